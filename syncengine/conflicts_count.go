package syncengine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// OpenConflicts counts the conflicts in scopes that nobody has resolved.
//
// Counting reads every log entry of the scopes' contested cells (Conflicts,
// through the index of contested cells), and a sync prints the count every
// time. So the count is kept in
// sync_meta with the log's head it was counted at (the last entry's
// sequence number and chain hash): conflicts are a function of the log, and
// any change to the log — an entry appended, or entries rewritten by a fork
// or a re-stamp, which change the chain after them — moves the head. While
// the head is the same, the kept count is the count, and nothing else is
// read.
//
// A kept count of none also stays none while the log only grew by this
// replica's own writes (the entries up to the kept head unchanged): a
// local write's base is the stamp of the value the replica holds, and it
// is stamped after it, so it follows that value in its cell's version
// order having seen it, and splits no pair of writes already there; a
// local write can resolve a conflict, never make one. An officer's edits
// between two syncs thus cost no recount.
//
// A count that cannot be kept (a read-only database, a writer busy) is
// still returned.
func (db *DB) OpenConflicts(ctx context.Context, scopes []string) (int, error) {
	head, err := db.logHead(ctx)
	if err != nil || head.seq == 0 {
		return 0, err
	}
	key := "open_conflicts " + strings.Join(slices.Sorted(slices.Values(scopes)), ",")
	kept, count, ok, err := db.keptCount(ctx, key)
	if err != nil {
		return 0, err
	}
	switch {
	case ok && kept == head:
		return count, nil
	case ok && count == 0:
		if own, err := db.onlyOwnSince(ctx, kept); err != nil || own {
			db.keepCount(ctx, key, head, 0)
			return 0, err
		}
	}
	found, err := db.Conflicts(ctx, ConflictQuery{Scopes: scopes})
	if err != nil {
		return 0, err
	}
	count = 0
	for i := range found {
		if !found[i].Resolved {
			count++
		}
	}
	if after, err := db.logHead(ctx); err == nil && after == head {
		db.keepCount(ctx, key, head, count) // only if no write came between: the count is that head's
	}
	return count, nil
}

// logEnd names the log as it stands: its last entry's sequence number and
// chain hash (hex); seq 0 for an empty log.
type logEnd struct {
	seq   uint64
	chain string
}

func (db *DB) logHead(ctx context.Context) (logEnd, error) {
	var h logEnd
	var chain []byte
	err := db.r.QueryRowContext(ctx, `SELECT seq, chain FROM sync_log ORDER BY seq DESC LIMIT 1`).Scan(&h.seq, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return logEnd{}, nil
	}
	if err != nil {
		return logEnd{}, fmt.Errorf("read the log's head: %w", err)
	}
	h.chain = hex.EncodeToString(chain)
	return h, nil
}

// keptCount reads the count kept under key, and the head it was counted
// at; ok is false if none is kept.
func (db *DB) keptCount(ctx context.Context, key string) (at logEnd, count int, ok bool, err error) {
	var kept string
	if err := getMeta(ctx, db.r, key, &kept); errors.Is(err, errNoMeta) {
		return at, 0, false, nil
	} else if err != nil {
		return at, 0, false, err
	}
	f := strings.Fields(kept) // "seq:chain count"
	if len(f) != 2 {
		return at, 0, false, nil
	}
	seq, chain, _ := strings.Cut(f[0], ":")
	at.chain = chain
	at.seq, err = strconv.ParseUint(seq, 10, 64)
	if err == nil {
		count, err = strconv.Atoi(f[1])
	}
	return at, count, err == nil, nil
}

// keepCount keeps count as the count at head. Failing to keep it (a
// read-only database, a writer busy) only means counting again.
func (db *DB) keepCount(ctx context.Context, key string, head logEnd, count int) {
	if db.w == nil {
		return
	}
	_ = db.Exec(ctx, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, key, fmt.Sprintf("%d:%s %d", head.seq, head.chain, count))
	})
}

// onlyOwnSince reports whether the log still holds the entry at as it was
// (so every entry up to it is unchanged) and every entry after it is this
// replica's own write.
func (db *DB) onlyOwnSince(ctx context.Context, at logEnd) (bool, error) {
	var chain []byte
	var others int
	site := db.Site()
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT chain FROM sync_log WHERE seq = ?),
		(SELECT count(*) FROM sync_log WHERE seq > ? AND origin IS DISTINCT FROM (SELECT id FROM sync_sites WHERE site = ?))`,
		at.seq, at.seq, site[:]).Scan(&chain, &others)
	if err != nil {
		return false, fmt.Errorf("read the log since the kept count: %w", err)
	}
	return hex.EncodeToString(chain) == at.chain && others == 0, nil
}
