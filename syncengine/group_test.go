package syncengine

import (
	"context"
	"errors"
	"testing"
)

// TestGroupKeepsBatchesApart: a group of received batches is one
// transaction, but a batch refused in the middle of it leaves nothing of
// itself and changes nothing for the others — which end as if each had
// been applied alone, in order, a later batch of a device seeing its
// earlier one.
func TestGroupKeepsBatchesApart(t *testing.T) {
	ctx := context.Background()
	devA, devB, devC := mustOpen(t, "a"), mustOpen(t, "b"), mustOpen(t, "c")
	for i := 0; i < 5; i++ {
		mustInsert(t, devA, "villages", map[string]any{"commune": "A", "name": "a"})
		mustInsert(t, devB, "villages", map[string]any{"commune": "A", "name": "b"})
		mustInsert(t, devC, "villages", map[string]any{"commune": "C", "name": "c"})
	}
	a, b, c := allChanges(t, devA), allChanges(t, devB), allChanges(t, devC)
	receipt := func(dev *DB, changes []Change) *Receipt {
		return &Receipt{Device: dev.Site(), Officer: "cán bộ", Received: 1_800_000_000_000, Signature: []byte("sig"), Changes: HashChanges(changes)}
	}
	gap := append(append([]Change{}, b[:2]...), b[3:]...) // two new changes, then a gap
	reused := append([]Change{}, c[:3]...)
	reused[2].Value = Text("another")
	group := []Received{
		{Changes: a[:6], Receipt: receipt(devA, a[:6])},
		{Changes: gap, Receipt: receipt(devB, gap)},     // refused
		{Changes: a[6:], Receipt: receipt(devA, a[6:])}, // follows the first
		{Changes: c, Receipt: receipt(devC, c)},
		{Changes: reused, Receipt: receipt(devC, reused)}, // a number reused: refused
	}
	srv := mustOpen(t, "srv")
	res := srv.ApplyReceivedGroup(ctx, group)

	wantErr := []error{nil, ErrSequenceGap, nil, nil, ErrSequenceReused}
	wantApplied := []int{6, 0, 9, 15, 0}
	for i, r := range res {
		if !errors.Is(r.Err, wantErr[i]) || (wantErr[i] == nil) != (r.Err == nil) || r.Result.Applied != wantApplied[i] {
			t.Errorf("batch %d: applied %d, err %v; want %d, %v", i, r.Result.Applied, r.Err, wantApplied[i], wantErr[i])
		}
	}
	for i, want := range []bool{true, false, true, true, false} {
		if got := group[i].Receipt.Batch != 0; got != want {
			t.Errorf("batch %d: receipt numbered %d; want numbered: %v", i, group[i].Receipt.Batch, want)
		}
	}
	var receipts int
	if err := srv.r.QueryRow(`SELECT count(*) FROM sync_batches`).Scan(&receipts); err != nil || receipts != 3 {
		t.Errorf("%d receipts recorded (%v), want 3", receipts, err)
	}

	// The same batches one by one, the refused ones left out.
	alone := mustOpen(t, "alone")
	for _, i := range []int{0, 2, 3} {
		if _, err := alone.ApplyReceived(ctx, group[i].Changes, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, scope := range []string{"A", "C"} {
		if g, w := mustDigest(t, srv, scope), mustDigest(t, alone, scope); g != w {
			t.Errorf("scope %s: grouped digest %s, one by one %s", scope, g, w)
		}
	}
	vv, err := srv.Versions(ctx, devA.Site(), devB.Site(), devC.Site())
	if err != nil || vv[devA.Site()] != 15 || vv[devB.Site()] != 0 || vv[devC.Site()] != 15 {
		t.Errorf("versions %v (%v); want a 15, b 0, c 15", vv, err)
	}
	if got := len(allChanges(t, srv)); got != 30 {
		t.Errorf("log holds %d entries, want 30", got)
	}
}
