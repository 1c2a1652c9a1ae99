package syncengine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// threeMonths is how far ahead the clocks that go wrong in these tests run.
const threeMonths = 90 * 24 * time.Hour

// futureField is issue 14's district: laptop a and the server ran three
// months ahead, and the server accepted a's rename of village v, stamped
// then (the stamp is future); then both clocks were set right, and laptop
// b, whose clock was right all along, pulled the rename.
func futureField(t *testing.T) (f *field, a, b *DB, v RowID, future HLC) {
	t.Helper()
	f = newField(t)
	a, b = f.open("a"), f.open("b")
	v = mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0", "note": "n0"})
	f.push(a)
	f.pull(b)
	f.walls[a].t = f.wall.t.Add(threeMonths)
	update(t, a, "villages", v, map[string]any{"name": "future"})
	mustApplyUnvetted(t, f, a) // the server's clock was as far ahead: it accepted
	f.walls[a].t = f.wall.t
	f.pull(b)
	changes := allChanges(t, a)
	return f, a, b, v, changes[len(changes)-1].HLC
}

// mustApplyUnvetted applies dev's changes the server lacks, accepting all,
// as a server whose clock ran as far ahead as dev's did.
func mustApplyUnvetted(t *testing.T, f *field, dev *DB) {
	t.Helper()
	ctx := context.Background()
	pending, err := dev.Pending(ctx, dev.Site(), f.held(dev), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.srv.ApplyPush(ctx, pending, nil)
	if err != nil || len(res.Rejected) != 0 {
		t.Fatalf("apply %d changes: %+v, %v", len(pending), res, err)
	}
	if err := dev.RecordPushed(ctx, nil, f.held(dev)); err != nil {
		t.Fatal(err)
	}
}

// ownChanges are db's own changes after its seq-th.
func ownChanges(t *testing.T, db *DB, after uint64) []Change {
	t.Helper()
	changes, err := db.Pending(context.Background(), db.Site(), after, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

// A stamp inherited from a clock that ran ahead is merged, but not
// followed: b's clock stays by its wall clock, and what b writes next is
// stamped by it.
func TestInheritedFutureStampIsNotFollowed(t *testing.T) {
	f, _, b, v, future := futureField(t)
	if got := column(t, b, "villages", v, "name"); got != "future" {
		t.Fatalf("b holds name %v, want the future-stamped rename", got)
	}
	if last := b.Clock().Last(); last >= future {
		t.Fatalf("b's clock is at %v: it followed the stamp %v", last, future)
	}
	seq, _ := b.OwnSeq(context.Background())
	mustInsert(t, b, "villages", map[string]any{"commune": fieldScope, "name": "b's own"})
	horizon := MakeHLC(f.walls[b].t.Add(DefaultClockTolerance).UnixMilli(), 1<<hlcCounterBits-1)
	for _, c := range ownChanges(t, b, seq) {
		if c.HLC > horizon {
			t.Errorf("b's change #%d stamped %v, past its wall clock (%v)", c.Seq, c.HLC, f.walls[b].t)
		}
	}
}

// A laptop that starts from a snapshot holding the future stamp does not
// follow it either: its clock follows the snapshot's stamps up to its own
// horizon.
func TestSnapshotFutureStampIsNotFollowed(t *testing.T) {
	f, _, _, _, future := futureField(t)
	path, _ := mustBuild(t, f.srv, fieldScope)
	c := f.open("c")
	mustAdopt(t, c, path)
	if last := c.Clock().Last(); last >= future || last.Time().Before(f.wall.t) {
		t.Fatalf("after adopting a snapshot stamped up to %v, the clock is at %v: want it at the latest stamp before its horizon", future, last)
	}
}

// An edit of the future-stamped value is stamped just after it: it wins,
// the server accepts it, and every replica holds it. b's other writes are
// stamped by its clock.
func TestEditBeatsFutureValue(t *testing.T) {
	f, a, b, v, future := futureField(t)
	seq, _ := b.OwnSeq(context.Background())
	update(t, b, "villages", v, map[string]any{"name": "b's edit", "note": "b's note"})
	for _, c := range ownChanges(t, b, seq) {
		switch {
		case c.Column == "name" && (c.Base != future || c.HLC != future.Next()):
			t.Errorf("b's rename stamped %v with base %v, want %v after the future %v", c.HLC, c.Base, future.Next(), future)
		case c.Column == "note" && c.HLC.Time().After(f.walls[b].t.Add(time.Second)):
			t.Errorf("b's note stamped %v, ahead of its clock", c.HLC)
		}
	}
	if pr := f.push(b); len(pr.Rejected) != 0 || pr.Applied != 2 {
		t.Fatalf("push of b's edits: %+v", pr)
	}
	f.pull(a)
	f.pull(b)
	assertConvergedWith(t, f.srv, a, b)
	for _, db := range []*DB{f.srv, a, b} {
		if got := column(t, db, "villages", v, "name"); got != "b's edit" {
			t.Errorf("%s holds name %v, want b's edit", db.Path(), got)
		}
	}
	conflicts, err := b.Conflicts(context.Background(), ConflictQuery{})
	if err != nil || len(conflicts) != 0 {
		t.Errorf("conflicts %+v, %v: b's edit saw the value it replaced", conflicts, err)
	}
}

// The client holds its push back by its wall clock: not for a stamp it
// inherited, nor for an edit stamped just after one; but when its wall
// clock runs ahead of the server's, or a change waiting is stamped ahead
// without the write rule explaining it.
func TestCheckClockJudgesTheWallClock(t *testing.T) {
	ctx := context.Background()
	f, _, b, v, _ := futureField(t)
	update(t, b, "villages", v, map[string]any{"name": "b's edit"})
	update(t, b, "villages", v, map[string]any{"size": 4})
	check := func() error {
		t.Helper()
		vr := VersionsResponse{ServerTime: f.wall.t.UnixMilli(), MaxClockSkew: fieldSkew.Milliseconds()}
		own, err := b.OwnSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return checkClock(ctx, b, vr, f.held(b), own)
	}
	if err := check(); err != nil {
		t.Fatalf("a laptop whose clock is right, with an edit of a future-stamped value waiting: %v", err)
	}
	f.walls[b].t = f.wall.t.Add(time.Hour)
	if err := check(); !errors.Is(err, ErrClockAhead) || !strings.Contains(err.Error(), "1h0m0s") {
		t.Fatalf("the laptop's clock an hour ahead: %v, want ErrClockAhead by 1h0m0s", err)
	}
	update(t, b, "villages", v, map[string]any{"note": "stamped ahead"})
	f.walls[b].t = f.wall.t
	if err := check(); !errors.Is(err, ErrClockAhead) || !strings.Contains(err.Error(), "hodan clock repair") {
		t.Fatalf("a change waiting stamped an hour ahead: %v, want ErrClockAhead, repair", err)
	}
}

// A laptop whose clock followed an inherited future stamp (as every laptop
// did before the clock rules) wrote changes stamped after it. Its repair
// no longer takes that stamp as its floor: the changes get stamps from
// the wall clock, the edit of the future-stamped value one just after it,
// and the server accepts them all.
func TestRestampWithInheritedFutureStamp(t *testing.T) {
	ctx := context.Background()
	f, a, b, v, future := futureField(t)
	f.walls[b].t = future.Time().Add(time.Minute)
	update(t, b, "villages", v, map[string]any{"size": 5, "name": "b's edit"})
	p := mustInsert(t, b, "people", map[string]any{"village_id": v.String(), "name": "Lò Thị Mai"})
	f.walls[b].t = f.wall.t
	res, err := b.Restamp(ctx, f.held(b), f.horizon())
	if err != nil || res.Restamped != 5 {
		t.Fatalf("restamp: %+v, %v; want 5 changes re-stamped", res, err)
	}
	for _, c := range ownChanges(t, b, f.held(b)) {
		edit := c.Table == "villages" && c.Column == "name"
		if want := future.Next(); edit && c.HLC != want || !edit && c.HLC > f.horizon() {
			t.Errorf("#%d (%s) re-stamped %v; the server accepts up to %v, an edit of the future value %v", c.Seq, c.Column, c.HLC, f.horizon(), want)
		}
	}
	assertLogConsistent(t, b)
	assertOwnCellStampsIncrease(t, b)
	if pr := f.push(b); len(pr.Rejected) != 0 || pr.Applied != 5 {
		t.Fatalf("push after repair: %+v", pr)
	}
	f.pull(a)
	f.pull(b)
	assertConvergedWith(t, f.srv, a, b)
	if got := column(t, a, "people", p, "name"); got != "Lò Thị Mai" {
		t.Errorf("a sees the person's name %v", got)
	}
}

// The receiver's rule (StampAhead): past its horizon it accepts a cell
// write stamped no later than just after the value the cell holds, as the
// batch has left it, and refuses anything else.
func TestReceiverExplainsFutureStamps(t *testing.T) {
	f, _, _, v, future := futureField(t)
	d := newUUID()
	w := newUUID()
	at := func(seq uint64, table string, row RowID, col string, value Value, hlc, base HLC) Change {
		return Change{Table: table, Row: row, Column: col, Value: value, HLC: hlc, Base: base, CL: 1, Scope: fieldScope, Site: d, Seq: seq}
	}
	batch := []Change{
		at(1, "villages", v, "name", Text("just after the future value"), future.Next(), future),
		at(2, "villages", v, "name", Text("just after that"), future.Next().Next(), future.Next()),
		at(3, "villages", v, "note", Text("never written this far ahead"), future, 0),
		at(4, "villages", v, "name", Text("further ahead"), future+10, future.Next().Next()),
		at(5, "villages", w, ExistsColumn, Value{}, future, 0),
		at(6, "villages", v, "size", Int(6), f.horizon(), 0),
		at(7, "villages", v, "area", Real(1.5), f.horizon().Next(), 0),
	}
	pr, err := f.srv.ApplyPush(context.Background(), batch, f.vetter())
	if err != nil {
		t.Fatal(err)
	}
	var refused []uint64
	for _, r := range pr.Rejected {
		if r.Code != CodeClockSkew {
			t.Errorf("#%d refused with %s", r.Seq, r.Code)
		}
		refused = append(refused, r.Seq)
	}
	if want := []uint64{3, 4, 5, 7}; !slices.Equal(refused, want) {
		t.Fatalf("refused %v, want %v", refused, want)
	}
	if got := column(t, f.srv, "villages", v, "name"); got != "just after that" {
		t.Fatalf("the server holds name %v", got)
	}
}

// A cell write to an incarnation of its row older than the one the cell's
// value belongs to is accepted past the horizon: causal lengths are
// compared before stamps, so it can never win. (The simulation's seed
// 1796427175516762349: a laptop whose clock ran ahead edited a household
// another laptop then deleted and restored; after its clock repair the
// server refused the edits forever.)
func TestReceiverAcceptsAWriteToAnIncarnationLeftBehind(t *testing.T) {
	f, _, _, v, future := futureField(t)
	ctx := context.Background()
	for _, op := range []func(tx *Tx) error{
		func(tx *Tx) error { return tx.Delete("villages", v) },
		func(tx *Tx) error { return tx.Restore("villages", v) },
		func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "restored"}) },
	} {
		if err := f.srv.Write(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	d := newUUID()
	old := Change{Table: "villages", Row: v, Column: "name", Value: Text("edited before the delete"),
		HLC: future + 5, Base: future + 4, CL: 1, Scope: fieldScope, Site: d, Seq: 1}
	now := old
	now.Seq, now.CL, now.Value = 2, 3, Text("stamped ahead, of this incarnation")
	pr, err := f.srv.ApplyPush(ctx, []Change{old, now}, f.vetter())
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Rejected) != 1 || pr.Rejected[0].Seq != 2 || pr.Rejected[0].Code != CodeClockSkew {
		t.Fatalf("refused %+v, want #2 alone, for its clock", pr.Rejected)
	}
	if got := column(t, f.srv, "villages", v, "name"); got != "restored" {
		t.Fatalf("the server holds name %v, want the restored incarnation's", got)
	}
}
