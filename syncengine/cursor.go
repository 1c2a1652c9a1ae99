package syncengine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
)

// Cursor is a position in a server's log, as a client keeps it: the local
// sequence number of the last entry it has read, and the log's chain hash
// at that entry. The chain covers every entry up to the cursor (see
// EntryHash), so a server whose log differs anywhere below the cursor
// (restored from an older copy of its file, then fed again in another
// order) is noticed, and the client catches up in full.
type Cursor struct {
	Seq   uint64 `json:"seq"`
	Chain string `json:"chain,omitempty"` // hex
}

// cursorAt returns the cursor pointing at log entry seq (0: the start).
func cursorAt(ctx context.Context, q querier, seq uint64) (Cursor, error) {
	if seq == 0 {
		return Cursor{}, nil
	}
	var chain []byte
	if err := q.QueryRowContext(ctx, `SELECT chain FROM sync_log WHERE seq = ?`, seq).Scan(&chain); err != nil {
		return Cursor{}, fmt.Errorf("cursor at #%d: %w", seq, err)
	}
	return Cursor{Seq: seq, Chain: hex.EncodeToString(chain)}, nil
}

// matches reports whether this log holds, at cur.Seq, the chain cur saw.
// A sequence number past what SQLite stores names no entry: it does not
// match (and is never sent to the database, which would refuse it).
func (cur Cursor) matches(ctx context.Context, q querier) (bool, error) {
	if cur.Seq == 0 {
		return true, nil
	}
	if cur.Seq > math.MaxInt64 {
		return false, nil
	}
	have, err := cursorAt(ctx, q, cur.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return have == cur, nil
}
