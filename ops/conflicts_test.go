package ops

import (
	"context"
	"strings"
	"testing"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// TestResolveConflict: two laptops change one field at once; the conflict
// is listed on both, resolved on one by keeping the other's value, and
// a value the field refuses is refused.
func TestResolveConflict(t *testing.T) {
	ctx := context.Background()
	a, b := mustReplica(t), mustReplica(t)
	h := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	exchange(t, a, b)
	for db, phone := range map[*syncengine.DB]string{a: "0912345678", b: "0987654321"} {
		if _, err := UpdateRecord(ctx, db, officer, schema.Households, h, map[string]any{"phone": phone}); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, b)
	exchange(t, b, a)
	views, err := Conflicts(ctx, a, officer, noNames)
	if err != nil || len(views) != 1 || views[0].Column != "phone" {
		t.Fatalf("conflicts on a: %+v, %v; want one, of the phone", views, err)
	}
	v, o, err := FindListed(ctx, a, officer, noNames, views[0].ID[:6])
	if err != nil || o != nil || v == nil {
		t.Fatalf("find the conflict by the beginning of its id: %v, %v, %v", v, o, err)
	}
	if _, err := ResolveConflict(ctx, a, *v, "", "12"); !strings.Contains(Explain(i18n.EN, err), "is not a phone number") {
		t.Errorf("resolve with a bad phone: %v", err)
	}
	r, err := ResolveConflict(ctx, a, *v, KeepTheirs, "")
	if chosen := r.Value; err != nil || chosen != "0987654321" || r.Column.Name != "phone" {
		t.Fatalf("keep theirs: %v, %v; want b's phone", chosen, err)
	}
	if n, err := OpenConflicts(ctx, a, officer); err != nil || n != 0 {
		t.Errorf("%d open conflicts after resolving (%v), want 0", n, err)
	}
	if got := mustShow(t, a, schema.Households, h)["phone"]; got != "0987654321" {
		t.Errorf("phone %v after keeping theirs", got)
	}
}

// TestSettleOrphan: a member recorded on one laptop while another deleted
// its household is listed as an orphan until it is moved to another
// household; a settlement of two ways is refused, and so is settling it
// again.
func TestSettleOrphan(t *testing.T) {
	ctx := context.Background()
	a, b := mustReplica(t), mustReplica(t)
	gone := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	other := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Hà Văn Sáu"})
	exchange(t, a, b)
	if _, err := DeleteRecord(ctx, a, officer, schema.Households, gone, false); err != nil {
		t.Fatal(err)
	}
	member := mustAdd(t, b, officer, "members", map[string]any{"household_id": gone, "full_name": "Lò Văn Tú"})
	exchange(t, a, b)
	exchange(t, b, a)
	orphans, err := Orphans(ctx, a, officer, noNames)
	if err != nil || len(orphans) != 1 || orphans[0].Row.String() != member {
		t.Fatalf("orphans on a: %+v, %v; want the member", orphans, err)
	}
	if _, err := SettleOrphan(ctx, a, officer, orphans[0], Settlement{Restore: true, Delete: true}); !strings.Contains(Explain(i18n.EN, err), "one way") {
		t.Errorf("two ways at once: %v", Explain(i18n.EN, err))
	}
	st, err := SettleOrphan(ctx, a, officer, orphans[0], Settlement{MoveTo: other})
	if err != nil || st.Way != "moved" || st.ToName != "Hà Văn Sáu" {
		t.Fatalf("move the orphan: %+v, %v", st, err)
	}
	if got := mustShow(t, a, schema.Members, member)["household_id"]; got != other {
		t.Errorf("the member belongs to %v after the move, want %s", got, other)
	}
	if left, _ := Orphans(ctx, a, officer, noNames); len(left) != 0 {
		t.Errorf("%d orphans left after settling", len(left))
	}
	if _, err := SettleOrphan(ctx, a, officer, orphans[0], Settlement{Delete: true}); err == nil || !strings.Contains(Explain(i18n.EN, err), "is settled already") {
		t.Errorf("settle it again, as it was listed: %v; want it refused, the member kept", err)
	}
}

// TestResolveKeepingAnotherOfficersValue: a third laptop, which wrote
// neither value of a conflict, resolves it keeping either side, which it
// cannot do as "mine" and "theirs".
func TestResolveKeepingAnotherOfficersValue(t *testing.T) {
	ctx := context.Background()
	a, b, c := mustReplica(t), mustReplica(t), mustReplica(t)
	h := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	exchange(t, a, b)
	for db, status := range map[*syncengine.DB]string{a: "poor", b: "near_poor"} {
		if _, err := UpdateRecord(ctx, db, officer, schema.Households, h, map[string]any{"poverty_status": status}); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, c)
	exchange(t, b, c)
	views, err := Conflicts(ctx, c, officer, noNames)
	if err != nil || len(views) != 1 {
		t.Fatalf("conflicts on the third laptop: %+v, %v", views, err)
	}
	if _, err := ResolveConflict(ctx, c, views[0], KeepMine, ""); err == nil {
		t.Fatal("keep mine on a laptop that wrote neither value")
	}
	displaced := views[0].Values[0]
	r, err := ResolveKeeping(ctx, c, views[0], 0)
	if err != nil || r.Value != displaced.Value.Any() {
		t.Fatalf("keep the displaced value: %v, %v; want %v", r.Value, err, displaced.Value.Any())
	}
	if got := mustShow(t, c, schema.Households, h)["poverty_status"]; got != displaced.Value.Any() {
		t.Errorf("poverty status %v after keeping %v", got, displaced.Value.Any())
	}
	if n, _ := OpenConflicts(ctx, c, officer); n != 0 {
		t.Errorf("%d open conflicts after resolving", n)
	}
	if _, err := ResolveKeeping(ctx, c, views[0], 2); err == nil {
		t.Error("keeping a third value of a conflict of two")
	}
}
