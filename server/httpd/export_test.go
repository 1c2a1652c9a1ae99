package httpd

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"hodan/syncengine"
)

// HoldWriter takes db's write lock until the returned function is called,
// so that the committer's next transaction waits.
func HoldWriter(t testing.TB, db *syncengine.DB) (release func()) {
	t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- db.Exec(context.Background(), func(*sql.Tx) error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	return func() {
		close(done)
		if err := <-errc; err != nil {
			t.Errorf("hold the writer: %v", err)
		}
	}
}

// WaitQueued waits until s's committer is applying a group and n pushed
// batches wait behind it.
func WaitQueued(t testing.TB, s *Server, n int) {
	t.Helper()
	waitQueued(t, s.commits, n)
}

func waitQueued(t testing.TB, c *committer, n int) {
	t.Helper()
	for range 10000 {
		c.mu.Lock()
		queued, running := len(c.queue), c.running
		c.mu.Unlock()
		if running && queued == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("the committer never had %d batches waiting", n)
}
