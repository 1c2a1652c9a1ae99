package app

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer a command writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestCommandWaitsWhileAnotherWrites: while another hodan command holds
// the database (a long import), a command waits, saying so on stderr in
// the officer's language, and goes through once the other is done.
func TestCommandWaitsWhileAnotherWrites(t *testing.T) {
	b := mustVisitBench(t, langVI)
	b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	holder, err := sql.Open("sqlite3", "file:"+b.a.dbPath+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin() // the write lock, as an import holds it
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var errOut lockedBuffer
	done := make(chan int)
	go func() {
		env := Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Now: b.a.env.Now}
		done <- Run(context.Background(), []string{"--db", b.a.dbPath, "household", "list"}, env)
	}()
	waiting := "Một lệnh hodan khác đang ghi vào cơ sở dữ liệu"
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(errOut.String(), waiting); time.Sleep(50 * time.Millisecond) {
		select {
		case code := <-done:
			t.Fatalf("household list ended with exit %d while the database was held; stderr:\n%s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("household list said nothing of waiting; stderr:\n%s", errOut.String())
		}
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 || !strings.Contains(out.String(), "Hà Thị Mai") {
		t.Errorf("household list after the wait: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}
