package syncengine

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// synchronousOf is the writing connection's synchronous level, read
// between transactions: 1 is NORMAL (recoverable), 2 FULL (durable).
func synchronousOf(t *testing.T, db *DB) int {
	t.Helper()
	var level int
	if err := db.w.QueryRow(`PRAGMA synchronous`).Scan(&level); err != nil {
		t.Fatal(err)
	}
	return level
}

// TestWhatTheServerKeepsCommitsRecoverably checks which commits of a
// laptop skip the log's sync: a pulled page, a push's acknowledgement and
// a sync's time (the server keeps them; the next sync learns them
// again), and that every write of the laptop's own, and every Exec, is
// durable again after them.
func TestWhatTheServerKeepsCommitsRecoverably(t *testing.T) {
	onlySQLite(t, "SQLite's synchronous setting")
	ctx := context.Background()
	db := mustOpen(t, "a")
	if got := synchronousOf(t, db); got != 2 {
		t.Fatalf("a new replica's connection: synchronous %d, want 2 (FULL)", got)
	}
	recoverable := map[string]func() error{
		"ApplyPulled":  func() error { _, err := db.ApplyPulled(ctx, nil, "inc", Cursor{}); return err },
		"RecordPushed": func() error { return db.RecordPushed(ctx, nil, 0) },
		"RecordSync":   func() error { return db.RecordSync(ctx, time.Now(), time.Now()) },
	}
	durable := map[string]func() (int, error){
		"Write": func() (level int, err error) {
			err = db.Write(ctx, func(tx *Tx) error {
				if _, err := tx.Insert("villages", map[string]any{"commune": "05362", "name": "Bản Lác"}); err != nil {
					return err
				}
				return tx.SQL().QueryRow(`PRAGMA synchronous`).Scan(&level)
			})
			return level, err
		},
		"Exec": func() (level int, err error) {
			err = db.Exec(ctx, func(tx *sql.Tx) error { return tx.QueryRow(`PRAGMA synchronous`).Scan(&level) })
			return level, err
		},
	}
	for rname, commit := range recoverable {
		for dname, write := range durable {
			if err := commit(); err != nil {
				t.Fatalf("%s: %v", rname, err)
			}
			if got := synchronousOf(t, db); got != 1 {
				t.Errorf("after %s: synchronous %d, want 1 (NORMAL)", rname, got)
			}
			level, err := write()
			if err != nil {
				t.Fatalf("%s after %s: %v", dname, rname, err)
			}
			if level != 2 {
				t.Errorf("%s after %s ran at synchronous %d, want 2 (FULL)", dname, rname, level)
			}
		}
	}
}
