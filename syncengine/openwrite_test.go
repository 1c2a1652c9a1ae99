package syncengine

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// holdWriteLock takes the write lock of the SQLite file at path, as
// another process's long import does, until the test ends or the
// returned function releases it.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	holder, err := sql.Open("sqlite3", fileURI(path, "")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return func() { tx.Rollback() }
}

// TestOpeningReadsWhenThereIsNothingToWrite: opening a replica that is
// migrated and initialised takes no write lock, so it opens at once while
// another process holds the lock (an officer's long import), and a write
// then waits for it as Config.WriteWaits says, telling Config.Waiting.
func TestOpeningReadsWhenThereIsNothingToWrite(t *testing.T) {
	onlySQLite(t, "SQLite's file lock")
	t.Parallel() // it waits SQLite's busy timeout, 10 seconds
	path := filepath.Join(t.TempDir(), "a.db")
	mustOpenPath(t, path, testConfig()).Close()
	release := holdWriteLock(t, path)

	cfg := testConfig()
	cfg.WriteWaits = 3
	waited := 0
	cfg.Waiting = func() {
		waited++
		release() // the other process ends its write
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

// TestAdoptingASnapshotWaitsForAnotherWrite: a laptop's first sync adopts
// a snapshot as its first write; it waits for another process's write as
// every write does.
func TestAdoptingASnapshotWaitsForAnotherWrite(t *testing.T) {
	onlySQLite(t, "SQLite's file lock")
	t.Parallel() // it waits SQLite's busy timeout, 10 seconds
	srv := mustOpen(t, "srv")
	mustInsert(t, srv, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	snap, _ := mustBuild(t, srv, "05362")

	path := filepath.Join(t.TempDir(), "a.db")
	cfg := testConfig()
	cfg.WriteWaits = 3
	waited := 0
	db := mustOpenPath(t, path, cfg)
	release := holdWriteLock(t, path)
	db.waiting = func() {
		waited++
		release()
	}
	mustAdopt(t, db, snap)
	if waited != 1 {
		t.Fatalf("the adoption was told of waiting %d times, want 1", waited)
	}
	if got, want := dump(t, db), dump(t, srv); got != want {
		t.Fatalf("after the adoption the laptop holds\n%s\nwant\n%s", got, want)
	}
}
