package syncengine

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// justBelow is the site id that sorts right below s.
func justBelow(s SiteID) SiteID {
	for i := len(s) - 1; i >= 0; i-- {
		s[i]--
		if s[i] != 0xff {
			break
		}
	}
	return s
}

// forkedLaptop is a field whose laptop a pushed its first changes (at),
// then wrote more, some concurrently with b's edits, which it pulled (so
// that pulled entries stand between its own in its log), and received a
// change of another site x that writes a cell with the very stamp and
// causal length of one of a's own: a's site wins that tie, its new site
// must lose it.
type forkedLaptop struct {
	f        *field
	a, b     *DB
	at       uint64
	v, p     RowID
	to       SiteID
	tied     Change // x's write, in a tie with a's
	mineTied Change // a's
}

func newForkedLaptop(t *testing.T) *forkedLaptop {
	fl := &forkedLaptop{f: newField(t)}
	f := fl.f
	fl.a, fl.b = f.open("a"), f.open("b")
	fl.v = mustInsert(t, fl.a, "villages", map[string]any{"commune": fieldScope, "name": "v0", "note": "n0"})
	f.push(fl.a)
	f.pull(fl.b)
	fl.at = f.held(fl.a)
	update(t, fl.a, "villages", fl.v, map[string]any{"name": "a1"})
	update(t, fl.b, "villages", fl.v, map[string]any{"name": "b1", "size": 7})
	f.push(fl.b)
	f.pull(fl.a)
	fl.p = mustInsert(t, fl.a, "people", map[string]any{"village_id": fl.v.String(), "name": "Lò Thị Mai"})
	update(t, fl.a, "villages", fl.v, map[string]any{"note": "a-note"})
	changes := allChanges(t, fl.a)
	fl.mineTied = changes[len(changes)-1]
	fl.to = SiteID{15: 1} // below every random site id
	fl.tied = fl.mineTied
	fl.tied.Site, fl.tied.Seq, fl.tied.Value = justBelow(fl.a.Site()), 1, Text("x-note")
	if _, err := fl.a.ApplyPulled(context.Background(), []Change{fl.tied}, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	if got := column(t, fl.a, "villages", fl.v, "note"); got != "a-note" {
		t.Fatalf("before the fork the tie goes to %v, want a's own write", got)
	}
	return fl
}

// TestResiteMovesTheCopysChanges: a's changes after the shared point move
// to the new site, renumbered from 1, with their stamps and values; the
// chain is whole, the cells match a replay of the log (the tie now goes to
// x), the status says what waits and that the laptop forked, and the new
// site's changes push and converge.
func TestResiteMovesTheCopysChanges(t *testing.T) {
	ctx := context.Background()
	fl := newForkedLaptop(t)
	a, from := fl.a, fl.a.Site()
	own, err := a.OwnSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := allChanges(t, a)
	f, err := a.Resite(ctx, Fork{From: from, At: fl.at, To: fl.to, ServerHeld: fl.at + 4}, 4, nil)
	if err != nil {
		t.Fatalf("resite: %v", err)
	}
	k := own - fl.at
	if f.Moved != int(k) || a.Site() != fl.to {
		t.Fatalf("resite: %+v, site %s; want %d changes moved to %s", f, a.Site(), k, fl.to)
	}
	after := allChanges(t, a)
	for i, c := range before {
		want := c
		if c.Site == from && c.Seq > fl.at {
			want.Site, want.Seq = fl.to, c.Seq-fl.at
		}
		if got := after[i]; got.Site != want.Site || got.Seq != want.Seq || sameChange(&got, &want) != nil {
			t.Fatalf("log entry %d: %+v, want %+v", i+1, got, want)
		}
	}
	assertConsistent(t, a)
	if got := column(t, a, "villages", fl.v, "note"); got != "x-note" {
		t.Errorf("after the fork the tie goes to %v, want x's write (x's site sorts above the new one)", got)
	}
	st, err := a.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Site != fl.to || st.OwnSeq != k || st.Pushed != 0 || st.Pending != k || st.Fork == nil || *st.Fork != f {
		t.Fatalf("status after the fork: %+v, fork %+v", st, st.Fork)
	}
	reopened := mustOpenPath(t, a.Path(), testConfig())
	if reopened.Site() != fl.to {
		t.Fatalf("reopened, the replica is site %s", reopened.Site())
	}
	reopened.Close()

	if pr := fl.f.push(a); pr.Applied != int(k) || len(pr.Rejected) != 0 {
		t.Fatalf("push of the new site: %+v", pr)
	}
	if _, err := fl.f.srv.ApplyPulled(ctx, []Change{fl.tied}, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	fl.f.pull(fl.b)
	assertConvergedWith(t, fl.f.srv, a, fl.b)
}

// TestResiteWithNothingToMove: a copy that wrote nothing since the shared
// point only takes its new site id; its next changes are the new site's.
func TestResiteWithNothingToMove(t *testing.T) {
	ctx := context.Background()
	f := newField(t)
	a := f.open("a")
	mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0"})
	f.push(a)
	own, _ := a.OwnSeq(ctx)
	before := snapshot(t, a)
	to := newUUID()
	if _, err := a.Resite(ctx, Fork{From: a.Site(), At: own, To: to, ServerHeld: own + 3}, 3, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Count(snapshot(t, a), "\n") != strings.Count(before, "\n") {
		t.Error("a fork that moved nothing changed the log, cells or rows")
	}
	v := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v1"})
	changes := allChanges(t, a)
	for i, c := range changes[own:] {
		if c.Site != to || c.Seq != uint64(i+1) || c.Row != v {
			t.Fatalf("change %d of the first write after the fork: %+v", i+1, c)
		}
	}
	assertConsistent(t, a)
}

// TestResiteIsAllOrNothing: a fork that fails at its last step, or whose
// caller's part (saving the device's token and key) fails, leaves the
// database exactly as it was; refusals change nothing either.
func TestResiteIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	fl := newForkedLaptop(t)
	a := fl.a
	fork := Fork{From: a.Site(), At: fl.at, To: fl.to, ServerHeld: fl.at + 4}
	exec := func(q string) {
		t.Helper()
		if err := a.Exec(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(q); return err }); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, a)
	own, _ := a.OwnSeq(ctx)
	bad := func(edit func(*Fork)) Fork { f := fork; edit(&f); return f }
	for name, try := range map[string]func() error{
		"the caller's part fails": func() error {
			_, err := a.Resite(ctx, fork, 4, func(*sql.Tx) error { return sql.ErrConnDone })
			return err
		},
		"the last step fails": func() error {
			exec(`CREATE TRIGGER fault BEFORE INSERT ON sync_forks BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
			defer exec(`DROP TRIGGER fault`)
			_, err := a.Resite(ctx, fork, 4, nil)
			return err
		},
		"from another site":          func() error { _, err := a.Resite(ctx, bad(func(f *Fork) { f.From = newUUID() }), 4, nil); return err },
		"beyond what it wrote":       func() error { _, err := a.Resite(ctx, bad(func(f *Fork) { f.At = own + 1 }), 4, nil); return err },
		"to its own site":            func() error { _, err := a.Resite(ctx, bad(func(f *Fork) { f.To = f.From }), 4, nil); return err },
		"to a site it knows already": func() error { _, err := a.Resite(ctx, bad(func(f *Fork) { f.To = fl.b.Site() }), 4, nil); return err },
	} {
		if err := try(); err == nil {
			t.Fatalf("%s: the fork went through", name)
		}
		if got := snapshot(t, a); got != before {
			t.Fatalf("%s: a failed fork left changes:\nbefore:\n%s\nafter:\n%s", name, before, got)
		}
	}
	if _, err := a.Resite(ctx, fork, 4, nil); err != nil {
		t.Fatalf("resite: %v", err)
	}
	assertConsistent(t, a)
}
