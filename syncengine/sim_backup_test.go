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
	r := w.server
	if err := r.db.Close(); err != nil {
		w.t.Fatalf("close the server: %v", err)
	}
	backup := filepath.Join(w.dir, "server.backup")
	if w.rng.IntN(5) < 3 || !w.backedUp {
		copyFile(w.t, r.path, backup)
		w.backedUp = true
		w.note("server backed up")
	} else {
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(r.path + suffix); err != nil && !os.IsNotExist(err) {
				w.t.Fatalf("restore the server: %v", err)
			}
		}
		copyFile(w.t, backup, r.path)
		w.restores++
		w.note("server restored from its backup")
	}
	inc := r.db.Incarnation()
	w.reopen(r)
	if r.db.Site() != r.site || r.db.Incarnation() != inc {
		w.t.Fatalf("the server came back from its backup as another replica")
	}
}
