package syncengine

import (
	"os"
	"path/filepath"
)

// In a third of the schedules the server's file is copied now and then, and
// restored from the last copy: the server forgets what it acknowledged since.
// DESIGN.md says this heals itself: devices push again what the server
// lost (push follows the server's version vector), and pull cursors notice
// the log below them changed (they carry its chain hash) and catch up in
// full. The server of such a schedule writes nothing of its own, as Hodan's
// never does: a restored server would issue its own sequence numbers again.

// backupOrRestore copies the server's database file, or puts the last copy
// back in its place.
func (w *simWorld) backupOrRestore() {
	if w.rng.IntN(5) < 3 || !w.backedUp {
		w.backupServer()
	} else {
		w.restoreServer()
	}
}

// backupServer copies the server's database file.
func (w *simWorld) backupServer() {
	w.withServerClosed(func(backup string) {
		copyFile(w.t, w.server.path, backup)
		w.backedUp = true
		w.note("server backed up")
	})
}

// restoreServer puts the last copy of the server's file back in its place.
func (w *simWorld) restoreServer() {
	w.withServerClosed(func(backup string) {
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(w.server.path + suffix); err != nil && !os.IsNotExist(err) {
				w.t.Fatalf("restore the server: %v", err)
			}
		}
		copyFile(w.t, backup, w.server.path)
		w.restores++
		w.note("server restored from its backup")
	})
}

// withServerClosed closes the server's database, runs fn with the path of
// its backup, and opens it again.
func (w *simWorld) withServerClosed(fn func(backup string)) {
	r := w.server
	if err := r.db.Close(); err != nil {
		w.t.Fatalf("close the server: %v", err)
	}
	fn(filepath.Join(w.dir, "server.backup"))
	inc := r.db.Incarnation()
	w.reopen(r)
	if r.db.Site() != r.site || r.db.Incarnation() != inc {
		w.t.Fatalf("the server came back from its backup as another replica")
	}
}
