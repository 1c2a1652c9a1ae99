package ui_test

import (
	"context"
	"strings"
	"testing"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// edit changes values of household id on db, as its officer.
func edit(t *testing.T, db *syncengine.DB, id string, values map[string]any) {
	t.Helper()
	ctx := context.Background()
	dev, err := ops.LoadDevice(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ops.UpdateRecord(ctx, db, dev.Actor(), schema.Households, id, values); err != nil {
		t.Fatal(err)
	}
}

// household is household id as db holds it.
func household(t *testing.T, db *syncengine.DB, id string) ops.Record {
	t.Helper()
	shown, err := ops.Show(context.Background(), db, ops.Actor{}, func(syncengine.SiteID) string { return "" }, schema.Households, id)
	if err != nil {
		t.Fatal(err)
	}
	return shown.Record
}

// TestConflictResolvedInOneClick: two laptops change a household's phone
// without seeing each other; the app shows both values side by side, with
// who wrote each, and keeping the one that lost takes one click; after
// syncing, the other laptop holds it too and has nothing left to settle.
func TestConflictResolvedInOneClick(t *testing.T) {
	srv := mustServer(t)
	s := mustApp(t, mustLaptop(t, srv, "Lò Văn Minh"), 0)
	other := mustLaptop(t, srv, "Hà Thị Lan")
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColPhone: "0912000000"})
	syncLaptop(t, s.db)
	syncLaptop(t, other)
	edit(t, other, id, map[string]any{schema.ColPhone: "0912111111"})
	edit(t, s.db, id, map[string]any{schema.ColPhone: "0912222222"})
	syncLaptop(t, other)
	syncLaptop(t, s.db)
	kept := household(t, s.db, id)[schema.ColPhone]

	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/conflicts"))
	sides := texts(b, ".conflict .side")
	if len(sides) != 2 || !strings.Contains(strings.Join(sides, "|"), "Hà Thị Lan") || !strings.Contains(strings.Join(sides, "|"), "Lò Văn Minh") {
		t.Fatalf("the conflict's sides: %q", sides)
	}
	shot(t, b, "ui-conflicts")
	lost := "0912111111"
	if kept == lost {
		lost = "0912222222"
	}
	clickAndWait(t, b, `.conflict .side:not(.win) button`)
	if got := b.Text(".flash"); !strings.Contains(got, lost) {
		t.Errorf("the flash after keeping %s: %q", lost, got)
	}
	if got := household(t, s.db, id)[schema.ColPhone]; got != lost {
		t.Fatalf("the phone after keeping %s: %v", lost, got)
	}
	syncLaptop(t, s.db)
	syncLaptop(t, other)
	if got := household(t, other, id)[schema.ColPhone]; got != lost {
		t.Errorf("the other laptop's phone: %v, want %s", got, lost)
	}
	dev, _ := ops.LoadDevice(context.Background(), other)
	if n, err := ops.OpenConflicts(context.Background(), other, dev.Actor()); err != nil || n != 0 {
		t.Errorf("the other laptop has %d conflicts open (%v), want 0", n, err)
	}
}

// TestDuplicatesMergedInOneClick: a family recorded twice shows as a
// pair side by side; keeping one merges the other into it.
func TestDuplicatesMergedInOneClick(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	keep := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHeadBirthYear: int64(1975), schema.ColHouseholdNumber: "12"})
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lo Van Sau", schema.ColHeadBirthYear: int64(1975), schema.ColPhone: "0912000000"})
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/duplicates"))
	if got := texts(b, ".pair .side h3"); len(got) != 2 {
		t.Fatalf("the pair: %q", got)
	}
	shot(t, b, "ui-duplicates")
	clickAndWait(t, b, `.pair form:has(input[name=keep][value="`+keep+`"]) button`)
	if !strings.HasSuffix(path(b), keep) {
		t.Errorf("after merging: %s", path(b))
	}
	if n := count(t, s.db, schema.Households); n != 1 {
		t.Errorf("%d households after merging, want 1", n)
	}
	if got := household(t, s.db, keep)[schema.ColPhone]; got != "0912000000" {
		t.Errorf("the kept household did not take the phone it lacked: %v", got)
	}
}
