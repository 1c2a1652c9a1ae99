package syncengine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestClosedFileIsWholeAndKeepsItsLog: after the last connection closes,
// the write-ahead log and shared-memory files are kept for the next
// process (no file created and deleted at every command), the log empty:
// the database file alone holds every commit, so a copy of it alone is
// whole.
func TestClosedFileIsWholeAndKeepsItsLog(t *testing.T) {
	onlySQLite(t, "a SQLite file's log")
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	db, err := Open(context.Background(), path, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	want := mustDigest(t, db, "05362")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		st, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatalf("%s after close: %v; want it kept", suffix, err)
		}
		if suffix == "-wal" && st.Size() != 0 {
			t.Errorf("the log holds %d bytes after close; want it emptied into the database", st.Size())
		}
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	copyFile(t, path, cp)
	c := mustOpenPath(t, cp, testConfig())
	if got := mustDigest(t, c, "05362"); got != want {
		t.Errorf("a copy of the file alone: digest %s, want %s", got, want)
	}
	var name string
	if err := c.SQL().QueryRow(`SELECT name FROM villages WHERE id = ?`, v.String()).Scan(&name); err != nil || name != "Bản Lác" {
		t.Errorf("the copy's village: %q, %v", name, err)
	}
}
