package e2e

import (
	"sort"
	"testing"
)

// family registers one family twice on d, as two officers offline would:
// the same head, spelled two ways, each record with records of its own.
func family(t *testing.T, d *device) (h1, h2 string, children []string) {
	t.Helper()
	h1 = d.add(t, "household", "--head-name", "Bùi Văn Thao", "--head-birth-year", "1978", "--ethnicity-code", "06", "--poverty-status", "poor")
	h2 = d.add(t, "household", "--head-name", "Bui Van Thao", "--head-birth-year", "1979", "--phone", "0912345678")
	children = []string{
		d.add(t, "member", "--household-id", h1, "--full-name", "Bùi Thị Hoa", "--birth-year", "1980"),
		d.add(t, "visit", "--household-id", h1, "--purpose", "poverty_review"),
		d.add(t, "member", "--household-id", h2, "--full-name", "Bùi Văn Nam", "--birth-year", "2005"),
		d.add(t, "support", "--household-id", h2, "--program", "ntp_1719", "--kind", "distributed_water"),
	}
	return h1, h2, children
}

// parentsOf maps each child record (member, visit, support) to its household.
func parentsOf(t *testing.T, d *device) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, noun := range []string{"member", "visit", "support", "damage"} {
		for _, r := range d.list(t, noun) {
			out[r["id"].(string)] = r["household_id"].(string)
		}
	}
	return out
}

// assertOneHousehold checks that d lists exactly one household, keep, and
// that every child record is attached to it.
func assertOneHousehold(t *testing.T, d *device, keep string, children []string) {
	t.Helper()
	hs := d.list(t, "household")
	if len(hs) != 1 || hs[0]["id"] != keep {
		t.Fatalf("households listed: %v; want only %s", ids(hs), keep)
	}
	parents := parentsOf(t, d)
	for _, c := range children {
		if parents[c] != keep {
			t.Errorf("record %s belongs to %q, want %s", c, parents[c], keep)
		}
	}
}

func TestHouseholdMergeMovesEverythingAndSyncs(t *testing.T) {
	srv, a, b, _ := twoOfficers(t)
	a.run(t, "household", "delete", a.list(t, "household")[0]["id"].(string))
	h1, h2, children := family(t, a)
	var res struct{ Moved int }
	mustJSON(t, a.run(t, "household", "merge", h1, h2), &res)
	if res.Moved != 2 {
		t.Errorf("moved %d records, want DROP's 2", res.Moved)
	}
	assertOneHousehold(t, a, h1, children)
	kept := a.show(t, "household", h1)
	if kept["head_name"] != "Bùi Văn Thao" || kept["phone"] != "0912345678" {
		t.Errorf("kept household %v: want its own name and the phone only DROP had", kept)
	}
	if dropped := a.show(t, "household", h2); dropped["merged_into"] != h1 {
		t.Errorf("dropped household %v: want merged_into %s", dropped, h1)
	}
	syncAll(t, a, b)
	assertOneHousehold(t, b, h1, children)
	assertConverged(t, srv, lacLuong, a, b)

	for _, tc := range []struct {
		says string
		args []string
	}{
		{"are the same household", []string{"household", "merge", h1, h1}},
		{"was already merged into", []string{"household", "merge", h1, h2}},
		{"merge into that one instead", []string{"household", "merge", h2, h1}},
		{"no household", []string{"household", "merge", h1, "0193a0b4-0000-7000-8000-000000000000"}},
		{"accepts 2 arg(s)", []string{"household", "merge", h1}},
		{"written by Hodan's own commands", []string{"household", "set", h1, "merged_into=" + h2}},
	} {
		a.fail(t, tc.says, tc.args...)
	}
	if st := a.status(t); st["pending"] != float64(0) {
		t.Errorf("refused merges wrote something: %v", st)
	}
}

func TestConcurrentMergesConvergeToOneHousehold(t *testing.T) {
	for _, opposite := range []bool{false, true} {
		name := "same direction"
		if opposite {
			name = "opposite directions"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, a, b, old := twoOfficers(t)
			a.run(t, "household", "delete", old)
			h1, h2, children := family(t, a)
			syncAll(t, a, b)
			a.run(t, "household", "merge", h1, h2)
			if opposite {
				b.run(t, "household", "merge", h2, h1)
			} else {
				b.run(t, "household", "merge", h1, h2)
			}
			syncAll(t, a, b)
			keep := h1
			if opposite {
				keep = min(h1, h2) // a cycle of merges keeps the smallest id
			}
			for _, d := range []*device{a, b} {
				assertOneHousehold(t, d, keep, children)
			}
			assertConverged(t, srv, lacLuong, a, b)
		})
	}
}

func TestMergeRacingEditsOfTheDroppedHouseholdLosesNothing(t *testing.T) {
	srv, a, b, old := twoOfficers(t)
	a.run(t, "household", "delete", old)
	h1, h2, children := family(t, a)
	syncAll(t, a, b)
	// a merges while b, offline, edits the dropped household and records a
	// new member and a visit for it.
	a.run(t, "household", "merge", h1, h2)
	b.run(t, "household", "set", h2, "notes=Nhà bị dột mái")
	children = append(children,
		b.add(t, "member", "--household-id", h2, "--full-name", "Bùi Thị Mai", "--birth-year", "2010"),
		b.add(t, "visit", "--household-id", h2, "--purpose", "support_delivery"))
	syncAll(t, b, a)
	for _, d := range []*device{a, b} {
		assertOneHousehold(t, d, h1, children)
		if got := d.show(t, "household", h2)["notes"]; got != "Nhà bị dột mái" {
			t.Errorf("the edit of the dropped household is lost: notes %v", got)
		}
	}
	got := parentsOf(t, a)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) != len(children) {
		t.Errorf("%d records after the merge, want %d", len(keys), len(children))
	}
	assertConverged(t, srv, lacLuong, a, b)
}
