package syncengine

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Regression tests for bugs a review found.

// Pulls resolve sites through their own snapshot: many concurrent pulls on
// a freshly opened server must not wait on each other for connections.
func TestConcurrentPullsAfterRestartDoNotDeadlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srv.db")
	db := mustOpenPath(t, path, testConfig())
	var batch []Change
	for i := 0; i < 50; i++ {
		batch = append(batch, Change{Table: "villages", Row: uuid.New(), CL: 1, Scope: "05362",
			Site: uuid.New(), Seq: 1, HLC: MakeHLC(time.Now().UnixMilli(), 0)})
	}
	if _, err := db.ApplyPush(context.Background(), batch, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenPath(t, path, testConfig())
	db.sites = newSiteCache() // as after a restart that cached nothing yet
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.ReadPull(ctx, PullQuery{Scopes: []string{"05362"}, Exclude: uuid.New(), Limit: 1000}); err != nil {
				errs <- err
			}
			if _, err := db.Digest(ctx, "05362"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent pull: %v", err)
	}
}

// Two processes on one file (an officer edits while a sync runs): the
// clock and the sequence are read back in every write transaction, so the
// newest edit wins and no sequence number is issued twice.
func TestTwoProcessesOnOneFile(t *testing.T) {
	ctx := context.Background()
	wall := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	cfg := testConfig()
	cfg.Now = func() time.Time { return wall }
	path := filepath.Join(t.TempDir(), "laptop.db")
	a := mustOpenPath(t, path, cfg)
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "A"})
	future := MakeHLC(wall.Add(9*time.Minute).UnixMilli(), 0) // pulled from a laptop 9 minutes fast
	if _, err := a.ApplyPulled(ctx, []Change{{Table: "villages", Row: uuid.New(), CL: 1, Scope: "05362",
		Site: uuid.New(), Seq: 1, HLC: future}}, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	syncer := mustOpenPath(t, path, cfg)
	editor := mustOpenPath(t, path, cfg)
	mustWrite(t, editor, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "B1"}) })
	mustWrite(t, syncer, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "B2"}) })
	if _, err := syncer.ApplyPulled(ctx, nil, "inc", Cursor{}); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, editor, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "C"}) })
	var name string
	if err := editor.SQL().QueryRow(`SELECT name FROM villages WHERE id = ?`, v.String()).Scan(&name); err != nil || name != "C" {
		t.Fatalf("village name %q, %v; want the newest edit, C", name, err)
	}
	seen := map[uint64]bool{}
	for _, c := range allChanges(t, editor) {
		if c.Site == editor.Site() {
			if seen[c.Seq] {
				t.Fatalf("sequence number %d issued twice", c.Seq)
			}
			seen[c.Seq] = true
		}
	}
}

// A server restored from an older copy of its file that receives the same
// entry again at the same position, with different entries below it, must
// not pass for the log a client's cursor was read from.
func TestRestoredLogWithSameEntryAtCursorResets(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	siteA, siteC, siteD, reader := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	ch := func(site SiteID, seq uint64) Change {
		return Change{Table: "villages", Row: uuid.New(), CL: 1, Scope: "05362", Site: site, Seq: seq,
			HLC: MakeHLC(time.Now().UnixMilli(), uint16(seq))}
	}
	push := func(db *DB, c Change) {
		t.Helper()
		if _, err := db.ApplyPush(ctx, []Change{c}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pull := func(db *DB, after Cursor) PullPage {
		t.Helper()
		p, err := db.ReadPull(ctx, PullQuery{Scopes: []string{"05362"}, Exclude: reader, Limit: 100, After: after, Incarnation: db.Incarnation()})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	srv := mustOpenPath(t, path, testConfig())
	push(srv, ch(siteA, 1))
	srv.Close()
	copyFile(t, path, path+".backup")
	srv = mustOpenPath(t, path, testConfig())
	push(srv, ch(siteC, 1))
	a2 := ch(siteA, 2)
	push(srv, a2)
	cursor := pull(srv, Cursor{}).Next // the reader has read up to #3, A's second change
	srv.Close()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	copyFile(t, path+".backup", path)
	srv = mustOpenPath(t, path, testConfig())
	push(srv, ch(siteD, 1)) // a new #2 the reader never saw
	push(srv, a2)           // A sends again what the restore lost: #3 is A's second change again
	page := pull(srv, cursor)
	for _, c := range page.Changes {
		if c.Site == siteD {
			return
		}
	}
	t.Fatalf("reset=%v, %d changes: the reader never receives D's change", page.Reset, len(page.Changes))
}

// The same (origin, sequence) with any field different is a reused
// sequence number, never a duplicate.
func TestSameSequenceAnyFieldDifferentIsRefused(t *testing.T) {
	ctx := context.Background()
	site, row := uuid.New(), uuid.New()
	base := Change{Table: "villages", Row: row, Column: "name", Value: Text("n"), CL: 1, Scope: "05362", Site: site, Seq: 1,
		HLC: MakeHLC(time.Now().UnixMilli(), 0)}
	variants := map[string]func(c *Change){
		"causal length": func(c *Change) { c.CL = 3 },
		"scope":         func(c *Change) { c.Scope = "02008" },
		"base":          func(c *Change) { c.Base = 7 },
		"value":         func(c *Change) { c.Value = Text("m") },
		"hlc":           func(c *Change) { c.HLC++ },
		"column":        func(c *Change) { c.Column = "note" },
	}
	for name, change := range variants {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, "x")
			if _, err := db.ApplyPulled(ctx, []Change{base}, "", Cursor{}); err != nil {
				t.Fatal(err)
			}
			other := base
			change(&other)
			_, err := db.ApplyPulled(ctx, []Change{other}, "", Cursor{})
			if !errors.Is(err, ErrSequenceReused) && !(name == "scope" && errors.Is(err, ErrScopeMismatch)) {
				t.Fatalf("err = %v, want ErrSequenceReused", err)
			}
		})
	}
}

func TestOutOfRangeNumbersAreRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, "x")
	ok := Change{Table: "villages", Row: uuid.New(), CL: 1, Scope: "A", Site: uuid.New(), Seq: 1, HLC: 5}
	// The log holds a change of the site, so that the merge looks the
	// numbers up (found by FuzzChangeJSON: a huge one made that an error
	// of the driver, not ErrBadChange).
	if _, err := db.ApplyPush(ctx, []Change{ok}, nil); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(c *Change){
		"zero sequence":      func(c *Change) { c.Seq = 0 },
		"zero causal length": func(c *Change) { c.CL = 0 },
		"huge sequence":      func(c *Change) { c.Seq = 1 << 63 },
		"huge base":          func(c *Change) { c.Base = 1 << 63 },
		"huge hlc":           func(c *Change) { c.HLC = 1 << 63 },
	} {
		c := ok
		change(&c)
		if _, err := db.ApplyPush(ctx, []Change{c}, nil); !errors.Is(err, ErrBadChange) {
			t.Errorf("%s: err = %v, want ErrBadChange", name, err)
		}
		if _, err := db.ApplyPulled(ctx, []Change{c}, "", Cursor{}); !errors.Is(err, ErrBadChange) {
			t.Errorf("%s, pulled: err = %v, want ErrBadChange", name, err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
