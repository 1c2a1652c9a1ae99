package syncengine

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
)

func TestApplyPushSequenceRules(t *testing.T) {
	ctx := context.Background()
	dev := mustOpen(t, "dev")
	for i := 0; i < 5; i++ {
		mustInsert(t, dev, "villages", map[string]any{"commune": "A", "name": "v"})
	}
	changes := allChanges(t, dev) // 15 changes: existence, commune and name of 5 villages
	srv := mustOpen(t, "srv")

	if _, err := srv.ApplyPush(ctx, changes[2:4], nil); !errors.Is(err, ErrSequenceGap) {
		t.Fatalf("a batch starting at #3 on an empty server: err = %v, want a sequence gap", err)
	}
	if _, err := srv.ApplyPush(ctx, []Change{changes[0], changes[2]}, nil); !errors.Is(err, ErrSequenceGap) {
		t.Fatalf("a batch skipping #2: err = %v, want a sequence gap", err)
	}
	if n := len(allChanges(t, srv)); n != 0 {
		t.Fatalf("refused batches left %d changes", n)
	}
	res, err := srv.ApplyPush(ctx, changes[:6], nil)
	if err != nil || res.Applied != 6 {
		t.Fatalf("first batch: %+v, %v", res, err)
	}
	// The answer to the first batch was lost: the client sends it again with
	// the next ones. The overlap is skipped, the rest applied.
	res, err = srv.ApplyPush(ctx, changes[3:], nil)
	if err != nil || res.Applied != 9 || res.Duplicates != 3 {
		t.Fatalf("overlapping batch: %+v, %v", res, err)
	}
	vv, err := srv.Versions(ctx, dev.Site())
	if err != nil || vv[dev.Site()] != 15 {
		t.Fatalf("versions = %v, %v; want 15", vv, err)
	}
	if mustDigest(t, srv, "A") != mustDigest(t, dev, "A") {
		t.Fatal("server and device digests differ")
	}
}

func TestApplyPushRejectsPerChange(t *testing.T) {
	ctx := context.Background()
	dev := mustOpen(t, "dev")
	mustInsert(t, dev, "villages", map[string]any{"commune": "A", "name": "in scope"})
	mustInsert(t, dev, "villages", map[string]any{"commune": "B", "name": "out of scope"})
	mustInsert(t, dev, "villages", map[string]any{"commune": "A", "name": "in scope too"})
	srv := mustOpen(t, "srv")
	vet := func(c *Change, _ RowReader) (*Rejection, error) {
		if c.Scope != "A" {
			return &Rejection{Code: CodeOutOfScope, Message: "not enrolled for " + c.Scope}, nil
		}
		return nil, nil
	}
	res, err := srv.ApplyPush(ctx, allChanges(t, dev), vet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 6 || len(res.Rejected) != 3 {
		t.Fatalf("result %+v: want 6 applied, 3 rejected", res)
	}
	for _, r := range res.Rejected {
		if r.Code != CodeOutOfScope || r.Seq < 4 || r.Seq > 6 {
			t.Errorf("rejected %+v", r)
		}
	}
	if d := mustDigest(t, srv, "B"); d != mustDigest(t, mustOpen(t, "empty"), "B") {
		t.Error("something of scope B was applied")
	}
	vv, _ := srv.Versions(ctx, dev.Site())
	if vv[dev.Site()] != 9 {
		t.Errorf("version %d: refused changes must count as held so later ones flow", vv[dev.Site()])
	}
	rejected, err := srv.RejectedChanges(ctx)
	if err != nil || len(rejected) != 3 {
		t.Fatalf("recorded rejections: %v, %v", rejected, err)
	}
	// The device records them too.
	if err := dev.RecordPushed(ctx, res.Rejected, 9); err != nil {
		t.Fatal(err)
	}
	st, err := dev.Status(ctx)
	if err != nil || st.Rejected != 3 || st.Pending != 0 {
		t.Fatalf("device status %+v, %v", st, err)
	}
}

func TestApplyPushRefusesScopeChange(t *testing.T) {
	ctx := context.Background()
	dev := mustOpen(t, "dev")
	v := mustInsert(t, dev, "villages", map[string]any{"commune": "A", "name": "x"})
	srv := mustOpen(t, "srv")
	if _, err := srv.ApplyPush(ctx, allChanges(t, dev), nil); err != nil {
		t.Fatal(err)
	}
	forged := Change{Table: "villages", Row: v, Column: "name", Value: Text("moved"), CL: 1, Scope: "B", HLC: MakeHLC(9e12, 0), Site: dev.Site(), Seq: 4}
	res, err := srv.ApplyPush(ctx, []Change{forged}, nil)
	if err != nil || len(res.Rejected) != 1 || res.Rejected[0].Code != CodeScopeMismatch {
		t.Fatalf("forged scope: %+v, %v", res, err)
	}
}

func TestSequenceReuseIsDetected(t *testing.T) {
	ctx := context.Background()
	dev := mustOpen(t, "dev")
	mustInsert(t, dev, "villages", map[string]any{"commune": "A", "name": "x"})
	changes := allChanges(t, dev)
	srv := mustOpen(t, "srv")
	if _, err := srv.ApplyPulled(ctx, changes, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	other := changes[1]
	other.HLC++
	other.Value = Text("different")
	if _, err := srv.ApplyPulled(ctx, []Change{other}, "", Cursor{}); !errors.Is(err, ErrSequenceReused) {
		t.Fatalf("err = %v, want ErrSequenceReused", err)
	}
}

// TestVetterThatCannotDecideRefusesTheBatch: a vetter that cannot read a
// row it needs (the receiver's stored state of a village, damaged in the
// database) refuses its whole batch with the error: nothing of it is kept
// or recorded as rejected, the other batches of its group are applied,
// and once the row is repaired the same batch is applied.
func TestVetterThatCannotDecideRefusesTheBatch(t *testing.T) {
	ctx := context.Background()
	devA, devB, srv := mustOpen(t, "a"), mustOpen(t, "b"), mustOpen(t, "srv")
	v := mustInsert(t, devB, "villages", map[string]any{"commune": "A", "name": "Bản Phiêng"})
	if _, err := srv.ApplyPush(ctx, allChanges(t, devB), nil); err != nil {
		t.Fatal(err)
	}
	mustInsert(t, devB, "people", map[string]any{"village_id": v.String(), "name": "Lò Thị Mai"})
	mustInsert(t, devA, "villages", map[string]any{"commune": "A", "name": "Nà Sản"})
	person := allChanges(t, devB)[3:]

	setCausalLength(t, srv, "villages", v, -1)
	res := srv.ApplyReceivedGroup(ctx, []Received{
		{Changes: allChanges(t, devA), Vet: villageVetter},
		{Changes: person, Vet: villageVetter},
	})
	if res[0].Err != nil || res[0].Result.Applied != 3 {
		t.Errorf("the other batch: %+v, %v; want 3 changes applied", res[0].Result, res[0].Err)
	}
	if err := res[1].Err; err == nil || ErrorOf(err) != nil || len(res[1].Result.Rejected) != 0 {
		t.Fatalf("the batch that could not be vetted: %+v, %v; want an internal error", res[1].Result, err)
	}
	if rejected, err := srv.RejectedChanges(ctx); err != nil || len(rejected) != 0 {
		t.Errorf("recorded rejections %+v, %v; want none", rejected, err)
	}
	if vv, err := srv.Versions(ctx, devB.Site()); err != nil || vv[devB.Site()] != 3 {
		t.Errorf("version of b %v, %v; want 3, as before the batch", vv, err)
	}

	setCausalLength(t, srv, "villages", v, 1)
	r, err := srv.ApplyPush(ctx, person, villageVetter)
	if err != nil || r.Applied != 3 || len(r.Rejected) != 0 {
		t.Fatalf("the same batch once the row is repaired: %+v, %v; want 3 applied", r, err)
	}
}

// villageVetter refuses nothing, but reads the village a person names, as
// a receiver checking links does, and fails if it cannot.
func villageVetter(c *Change, rows RowReader) (*Rejection, error) {
	if c.Column != "village_id" {
		return nil, nil
	}
	_, _, err := rows.Row("villages", uuid.MustParse(c.Value.String()))
	return nil, err
}

// setCausalLength writes a row's stored causal length behind the merge's
// back.
func setCausalLength(t *testing.T, db *DB, table string, id RowID, cl int64) {
	t.Helper()
	res, err := db.w.Exec(`UPDATE sync_rows SET cl = ? WHERE tbl = ? AND row_id = ?`, cl, table, id[:])
	if err != nil {
		t.Fatalf("set the causal length of %s %s: %v", table, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("set the causal length of %s %s: %d rows, %v", table, id, n, err)
	}
}
