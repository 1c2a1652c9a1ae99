package ops

import (
	"context"
	"strings"
	"testing"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// TestMergeMovesRecordsAndFillsFields: the dropped household's records
// move to the kept one, which takes the fields it lacks; the dropped one
// points at it and is listed no more.
func TestMergeMovesRecordsAndFillsFields(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	keep := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	drop := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lo Thi Mai", "phone": "0912345678"})
	member := mustAdd(t, db, officer, "members", map[string]any{"household_id": drop, "full_name": "Lò Văn Tú"})
	m, err := MergeHouseholds(ctx, db, officer, keep, drop[:18])
	if err != nil || m.Moved != 1 || m.Kept.String() != keep || m.Dropped.String() != drop {
		t.Fatalf("merge: %+v, %v", m, err)
	}
	kept := mustShow(t, db, schema.Households, keep)
	if kept["phone"] != "0912345678" || kept["head_name"] != "Lò Thị Mai" {
		t.Errorf("the kept household: %v; want its name and the dropped one's phone", kept)
	}
	if got := mustShow(t, db, schema.Members, member)["household_id"]; got != keep {
		t.Errorf("the member belongs to %v, want the kept household", got)
	}
	if got := mustShow(t, db, schema.Households, drop)["merged_into"]; got != keep {
		t.Errorf("the dropped household is merged into %v, want %s", got, keep)
	}
	if listed, _ := List(ctx, db, schema.Households, ListQuery{}); len(listed) != 1 {
		t.Errorf("%d households listed after the merge, want 1", len(listed))
	}
	for ref, want := range map[[2]string]string{{keep, keep}: "the same household", {keep, drop}: "was already merged into"} {
		if _, err := MergeHouseholds(ctx, db, officer, ref[0], ref[1]); !strings.Contains(Explain(i18n.EN, err), want) {
			t.Errorf("merge %s into %s: %v, want an error saying %q", ref[1][:8], ref[0][:8], err, want)
		}
	}
	if _, err := MergeHouseholds(ctx, db, officer, keep, keep); err != ErrMergeSame {
		t.Errorf("a household into itself: %v, want ErrMergeSame", err)
	}
}

// TestOppositeMergesConverge: two laptops merge one pair offline, in
// opposite directions; once each has the other's merge and settles,
// both hold one household, the smaller id, with both families' records,
// and the same digest.
func TestOppositeMergesConverge(t *testing.T) {
	ctx := context.Background()
	a, b := mustReplica(t), mustReplica(t)
	x, y := oppositeMerges(t, a, b)
	exchange(t, a, b)
	exchange(t, b, a)
	for _, db := range []*syncengine.DB{a, b} {
		if err := db.Write(ctx, func(tx *syncengine.Tx) error { return SettleMerges(tx, officer.Communes) }); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, b)
	exchange(t, b, a)
	first := min(x, y)
	for name, db := range map[string]*syncengine.DB{"a": a, "b": b} {
		shown, _ := List(ctx, db, schema.Households, ListQuery{})
		members, _ := List(ctx, db, schema.Members, ListQuery{Of: first})
		if len(shown) != 1 || shown[0]["id"] != first || len(members) != 2 {
			t.Errorf("laptop %s: households %v, members of %s %v; want %s alone with both members", name, shown, first[:8], members, first[:8])
		}
	}
	da, _ := a.Digest(ctx, lacLuong)
	db, _ := b.Digest(ctx, lacLuong)
	if da != db {
		t.Errorf("the laptops differ after settling: %s, %s", da, db)
	}
}

// oppositeMerges records on a one family twice, x and y, each with a
// member (y's recorded on b), and merges them offline in opposite
// directions: y into x on a, x into y on b.
func oppositeMerges(t *testing.T, a, b *syncengine.DB) (x, y string) {
	t.Helper()
	ctx := context.Background()
	x = mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	y = mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lo Thi Mai"})
	mustAdd(t, a, officer, "members", map[string]any{"household_id": x, "full_name": "Lò Văn Tú"})
	exchange(t, a, b)
	mustAdd(t, b, officer, "members", map[string]any{"household_id": y, "full_name": "Lò Thị Hoa"})
	if _, err := MergeHouseholds(ctx, a, officer, x, y); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeHouseholds(ctx, b, officer, y, x); err != nil {
		t.Fatal(err)
	}
	return x, y
}

func mustShow(t *testing.T, db *syncengine.DB, tbl *schema.Table, id string) Record {
	t.Helper()
	s, err := Show(context.Background(), db, officer, noNames, tbl, id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Record
}
