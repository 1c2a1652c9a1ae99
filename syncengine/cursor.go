package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Cursor is a position in a server's log, as a client keeps it: the local
// sequence number of the last entry it has read, and that entry's origin
// and origin sequence as a fingerprint. A server whose log no longer has
// that entry at that position (restored from an older copy of its file) is
// not the log the client read, and the client must catch up in full.
type Cursor struct {
	Seq     uint64 `json:"seq"`
	Site    SiteID `json:"site_id"`
	SiteSeq uint64 `json:"site_seq"`
}

// fingerprint returns the cursor pointing at log entry seq (0: the start).
func fingerprint(ctx context.Context, q querier, cache *siteCache, seq uint64) (Cursor, error) {
	if seq == 0 {
		return Cursor{}, nil
	}
	var origin int64
	cur := Cursor{Seq: seq}
	err := q.QueryRowContext(ctx, `SELECT origin, origin_seq FROM sync_log WHERE seq = ?`, seq).Scan(&origin, &cur.SiteSeq)
	if err != nil {
		return Cursor{}, fmt.Errorf("fingerprint #%d: %w", seq, err)
	}
	if cur.Site, err = lookupSite(ctx, q, cache, origin); err != nil {
		return Cursor{}, err
	}
	return cur, nil
}

// matches reports whether this log holds the entry cur points at.
func (cur Cursor) matches(ctx context.Context, q querier, cache *siteCache) (bool, error) {
	if cur.Seq == 0 {
		return true, nil
	}
	have, err := fingerprint(ctx, q, cache, cur.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return have == cur, nil
}
