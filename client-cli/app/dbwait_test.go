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
// the database's write lock (a long import), a command that only reads
// runs at once, and one that writes waits, saying so on stderr in the
// officer's language, and goes through once the other is done.
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
	defer tx.Rollback()
	const waiting = "Một lệnh hodan khác đang ghi vào cơ sở dữ liệu"

	list := startHodan(b, "household", "list")
	if code, out, errOut := list.waitOrSay(t, waiting); code != 0 || !strings.Contains(out, "Hà Thị Mai") {
		t.Fatalf("household list beside a write: exit %d\n%s\n%s", code, out, errOut)
	}

	add := startHodan(b, "household", "add", "--head-name", "Lò Thị Hoa")
	if code, out, errOut := add.waitOrSay(t, waiting); code != -1 {
		t.Fatalf("household add ended with exit %d while the database was held, without saying it waits:\n%s\n%s", code, out, errOut)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if code := <-add.done; code != 0 {
		t.Fatalf("household add after the wait: exit %d\n%s", code, add.errOut.String())
	}
	if out, _, code := b.hodan(t, "household", "list"); code != 0 || !strings.Contains(out, "Lò Thị Hoa") {
		t.Errorf("household list after the wait: exit %d\n%s", code, out)
	}
}

// runningHodan is a hodan command running on its own goroutine.
type runningHodan struct {
	out    lockedBuffer
	errOut lockedBuffer
	done   chan int
}

func startHodan(b *visitBench, args ...string) *runningHodan {
	r := &runningHodan{done: make(chan int, 1)}
	go func() {
		env := Env{Stdout: &r.out, Stderr: &r.errOut, Getenv: func(string) string { return "" }, Now: b.a.env.Now}
		r.done <- Run(context.Background(), append([]string{"--db", b.a.dbPath}, args...), env)
	}()
	return r
}

// waitOrSay waits until the command ends, returning its exit status and
// output, or until it says say on stderr, returning -1.
func (r *runningHodan) waitOrSay(t *testing.T, say string) (code int, stdout, stderr string) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		select {
		case code := <-r.done:
			return code, r.out.String(), r.errOut.String()
		default:
		}
		if strings.Contains(r.errOut.String(), say) {
			return -1, r.out.String(), r.errOut.String()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the command neither ended nor said %q; stderr:\n%s", say, r.errOut.String())
		}
	}
}
