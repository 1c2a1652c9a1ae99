package syncengine

import (
	"context"
	"database/sql"
	"fmt"
)

// durability is what a write transaction's commit must survive.
type durability bool

const (
	// durable commits are on disk when they return, through a power cut:
	// everything this replica writes of its own, and every server's
	// commit.
	durable durability = true
	// recoverable commits hold only what a server keeps and the next sync
	// learns again: a pulled page and its cursor, an adopted snapshot,
	// what the server acknowledged or refused of a push, the time of a
	// sync. A power cut
	// right after one may undo it, whole, with the recoverable commits
	// after it, never a part of one; a kill of the process loses nothing.
	// The replica is then as it was before them, and the next sync pulls
	// the page, or asks for the acknowledgement, again (versions).
	//
	// In SQLite's WAL this is synchronous=NORMAL for that commit: the log
	// is written but not synced. The next durable commit, or checkpoint,
	// syncs the log up to itself, so a durable commit is never kept
	// without the recoverable ones before it: an officer's write made
	// after a pull is never kept without the pull it may rest on. A
	// PostgreSQL commit is durable whatever is asked: servers do not
	// write recoverable commits.
	recoverable durability = false
)

// commitsAs makes the write connection's next commits d. The caller holds
// writeMu. The connection's setting is tracked in db.relaxed; a setting
// whose change failed is taken as relaxed, so that the next durable
// transaction sets it again rather than trusting it.
func (db *DB) commitsAs(ctx context.Context, d durability) error {
	if db.relaxed == (d == recoverable) {
		return nil
	}
	db.relaxed = true
	if err := db.dialect.commitSync(ctx, db.w, d); err != nil {
		return err
	}
	db.relaxed = d == recoverable
	return nil
}

// commitSync sets synchronous for the one writing connection of w: FULL
// for durable commits, NORMAL for recoverable ones. SQLite refuses to
// change it inside a transaction, so it is set before one begins. A
// connection the pool opens again starts at FULL, as its DSN says: durable.
func (sqliteDialect) commitSync(ctx context.Context, w *sql.DB, d durability) error {
	level := "NORMAL"
	if d == durable {
		level = "FULL"
	}
	if _, err := w.ExecContext(ctx, "PRAGMA synchronous = "+level); err != nil {
		return fmt.Errorf("set synchronous=%s: %w", level, err)
	}
	return nil
}

// commitSync has nothing to do: a PostgreSQL commit is durable (see
// recoverable).
func (postgresDialect) commitSync(context.Context, *sql.DB, durability) error { return nil }
