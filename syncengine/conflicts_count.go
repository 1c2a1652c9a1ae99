package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// OpenConflicts counts the conflicts in scopes that nobody has resolved.
//
// Counting reads every entry of the scopes that wrote a cell written more
// than once (Conflicts), which on a laptop holding a commune is most of its
// log; a sync prints the count every time. So the count is kept in
// sync_meta with the log's head it was counted at (the last entry's
// sequence number and chain hash): conflicts are a function of the log, and
// any change to the log — an entry appended, or entries rewritten by a fork
// or a re-stamp, which change the chain after them — moves the head. While
// the head is the same, the kept count is the count, and nothing else is
// read. A count that cannot be kept (a read-only database, a writer busy)
// is still returned.
func (db *DB) OpenConflicts(ctx context.Context, scopes []string) (int, error) {
	head, err := db.logHead(ctx)
	if err != nil || head == "" {
		return 0, err
	}
	key := "open_conflicts " + strings.Join(slices.Sorted(slices.Values(scopes)), ",")
	var kept string
	if err := getMeta(ctx, db.r, key, &kept); err == nil {
		if at, n, ok := strings.Cut(kept, " "); ok && at == head {
			if count, err := strconv.Atoi(n); err == nil {
				return count, nil
			}
		}
	} else if !errors.Is(err, errNoMeta) {
		return 0, err
	}
	found, err := db.Conflicts(ctx, ConflictQuery{Scopes: scopes})
	if err != nil {
		return 0, err
	}
	count := 0
	for i := range found {
		if !found[i].Resolved {
			count++
		}
	}
	if after, err := db.logHead(ctx); err == nil && after == head && db.w != nil {
		// Kept only if no write came between: the count is that head's.
		_ = db.Exec(ctx, func(tx *sql.Tx) error {
			return setMeta(ctx, tx, key, head+" "+strconv.Itoa(count))
		})
	}
	return count, nil
}

// logHead names the log as it stands: its last entry's sequence number and
// chain hash, or "" for an empty log.
func (db *DB) logHead(ctx context.Context) (string, error) {
	var seq uint64
	var chain []byte
	err := db.r.QueryRowContext(ctx, `SELECT seq, chain FROM sync_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the log's head: %w", err)
	}
	return fmt.Sprintf("%d:%x", seq, chain), nil
}
