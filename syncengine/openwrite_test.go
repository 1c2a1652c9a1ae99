package syncengine

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOpeningReadsWhenThereIsNothingToWrite: opening a replica that is
// migrated and initialised takes no write lock, so it opens at once while
// another process holds the lock (an officer's long import), and a write
// then waits for it as Config.WriteWaits says, telling Config.Waiting.
func TestOpeningReadsWhenThereIsNothingToWrite(t *testing.T) {
	onlySQLite(t, "SQLite's file lock")
	t.Parallel() // it waits SQLite's busy timeout, 10 seconds
	path := filepath.Join(t.TempDir(), "a.db")
	mustOpenPath(t, path, testConfig()).Close()

	holder, err := sql.Open("sqlite3", fileURI(path, "")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()

	cfg := testConfig()
	cfg.WriteWaits = 3
	waited := 0
	cfg.Waiting = func() {
		waited++
		tx.Rollback() // the other process ends its write
	}
	db, err := Open(context.Background(), path, cfg)
	if err != nil {
		t.Fatalf("open beside another process's write: %v", err)
	}
	defer db.Close()
	if waited != 0 {
		t.Fatalf("opening waited for the write lock %d times", waited)
	}
	mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	if waited != 1 {
		t.Fatalf("the write was told of waiting %d times, want 1", waited)
	}
}
