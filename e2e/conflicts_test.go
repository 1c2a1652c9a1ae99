package e2e

import (
	"strings"
	"testing"
)

// twoOfficers returns a server and two devices of one commune that both
// hold a freshly synced household.
func twoOfficers(t *testing.T) (*server, *device, *device, string) {
	t.Helper()
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	h := a.add(t, "household", "--head-name", "Bui Van Thao", "--ethnicity-code", "06", "--poverty-status", "poor")
	a.sync(t)
	b.sync(t)
	return srv, a, b, h
}

// syncAll syncs every device twice around, so that each has what the
// others sent.
func syncAll(t *testing.T, devs ...*device) {
	t.Helper()
	for round := 0; round < 2; round++ {
		for _, d := range devs {
			d.sync(t)
		}
	}
}

func assertConverged(t *testing.T, srv *server, commune string, devs ...*device) {
	t.Helper()
	want := srv.digest(t, commune)
	for i, d := range devs {
		if got := d.digest(t, commune); got != want {
			t.Errorf("device %d digest %s, server %s", i, got, want)
		}
	}
}

func TestConcurrentEditsOfDifferentFieldsBothSurvive(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo")
	b.run(t, "household", "set", h, "poverty_status=near_poor", "housing_condition=semi_solid")
	syncAll(t, a, b)
	for _, d := range []*device{a, b} {
		row := d.show(t, "household", h)
		if row["head_name"] != "Bùi Văn Thảo" || row["poverty_status"] != "near_poor" || row["housing_condition"] != "semi_solid" {
			t.Errorf("a device holds %v", row)
		}
	}
	assertConverged(t, srv, lacLuong, a, b)
}

func TestConcurrentEditsOfOneFieldConverge(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	a.run(t, "household", "set", h, "poverty_status=near_poor")
	b.run(t, "household", "set", h, "poverty_status=escaped_poverty")
	syncAll(t, b, a)
	got := a.show(t, "household", h)["poverty_status"]
	if got != "near_poor" && got != "escaped_poverty" {
		t.Fatalf("poverty_status %v is neither write", got)
	}
	if other := b.show(t, "household", h)["poverty_status"]; other != got {
		t.Fatalf("a holds %v, b holds %v", got, other)
	}
	// The conflict says both values as officers read them, not as codes.
	out, _, err := runIn("vi", bin.client, "--db", a.db, "conflicts", "list")
	if err != nil || !strings.Contains(out, "Hộ cận nghèo") || !strings.Contains(out, "Hộ thoát nghèo") || strings.Contains(out, "near_poor") {
		t.Errorf("conflicts list (%v) does not say the values in words:\n%s", err, out)
	}
	assertConverged(t, srv, lacLuong, a, b)
}

func TestDeleteVersusConcurrentEditConverges(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa")
	a.sync(t)
	b.sync(t)
	a.run(t, "household", "delete", h, "--with-children")
	b.run(t, "household", "set", h, "notes=visited again")
	b.run(t, "member", "set", m, "birth_year=1980")
	syncAll(t, b, a)
	for _, d := range []*device{a, b} {
		if rows := d.list(t, "household"); len(rows) != 0 {
			t.Errorf("the deleted household is back: %v", rows)
		}
		if rows := d.list(t, "member"); len(rows) != 0 {
			t.Errorf("the deleted household's member is back: %v", rows)
		}
	}
	assertConverged(t, srv, lacLuong, a, b)
}

// conflictList is what `conflicts list --json` prints, on either side.
type conflictList []struct {
	ID       string `json:"id"`
	Table    string `json:"table"`
	RowID    string `json:"row_id"`
	Column   string `json:"column"`
	Resolved bool   `json:"resolved"`
	Values   []struct {
		Value   any    `json:"value"`
		Officer string `json:"officer"`
		Won     bool   `json:"won"`
	} `json:"values"`
}

func (d *device) conflicts(t *testing.T) conflictList {
	t.Helper()
	var cs conflictList
	mustJSON(t, d.run(t, "conflicts", "list"), &cs)
	return cs
}

func (s *server) conflicts(t *testing.T) conflictList {
	t.Helper()
	var cs conflictList
	mustJSON(t, s.run(t, "conflicts", "list", "--db", s.db, "--json"), &cs)
	return cs
}

func TestConcurrentEditsAreListedAndResolvedEverywhere(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo")
	b.run(t, "household", "set", h, "head_name=Bùi Văn Thao", "poverty_status=near_poor")
	syncAll(t, a, b)

	ca, cb, cs := a.conflicts(t), b.conflicts(t), srv.conflicts(t)
	if len(cs) != 1 || len(ca) != 1 || len(cb) != 1 || ca[0].ID != cs[0].ID || cb[0].ID != cs[0].ID {
		t.Fatalf("conflicts: a %+v, b %+v, server %+v; want the same one everywhere", ca, cb, cs)
	}
	if st := a.status(t); st["open_conflicts"] != float64(1) {
		t.Errorf("status: open_conflicts %v, want 1", st["open_conflicts"])
	}
	c := cs[0]
	if c.Table != "households" || c.RowID != h || c.Column != "head_name" || c.Resolved || len(c.Values) != 2 {
		t.Fatalf("conflict %+v", c)
	}
	officers := map[string]any{}
	for _, v := range c.Values {
		officers[v.Officer] = v.Value
	}
	if officers["Lò Văn Minh"] != "Bùi Văn Thảo" || officers["Hà Thị Lan"] != "Bùi Văn Thao" {
		t.Errorf("values by officer %v; want each officer's own value", officers)
	}
	// A device names the other officer too, once it has synced.
	for _, v := range ca[0].Values {
		if v.Officer == "" {
			t.Errorf("device a does not name the writer of %v", v.Value)
		}
	}

	// Lan keeps her value; after a sync everyone sees it resolved.
	b.run(t, "conflicts", "resolve", c.ID[:8], "--keep", "mine")
	syncAll(t, b, a)
	for name, list := range map[string]conflictList{"a": a.conflicts(t), "b": b.conflicts(t), "server": srv.conflicts(t)} {
		if len(list) != 1 || list[0].ID != c.ID || !list[0].Resolved {
			t.Errorf("%s after the resolution: %+v; want it resolved", name, list)
		}
	}
	if st := a.status(t); st["open_conflicts"] != float64(0) {
		t.Errorf("status after the resolution: open_conflicts %v, want 0", st["open_conflicts"])
	}
	if got := a.show(t, "household", h)["head_name"]; got != "Bùi Văn Thao" {
		t.Errorf("head_name %v after keeping Lan's value", got)
	}
	assertConverged(t, srv, lacLuong, a, b)

	// Bad resolutions are refused, with nothing written.
	for _, tc := range []struct {
		says string
		args []string
	}{
		{`no conflict "zzzzzzzz" here`, []string{"conflicts", "resolve", "zzzzzzzz", "--keep", "mine"}},
		{"--keep takes mine or theirs", []string{"conflicts", "resolve", c.ID, "--keep", "ours"}},
		{"say what to keep", []string{"conflicts", "resolve", c.ID}},
		{"say what to keep", []string{"conflicts", "resolve", c.ID, "--keep", "mine", "--value", "x"}},
		{"head_name) is required", []string{"conflicts", "resolve", c.ID, "--value", ""}},
	} {
		a.fail(t, tc.says, tc.args...)
	}
	if st := a.status(t); st["pending"] != float64(0) {
		t.Errorf("a refused resolution wrote something: %v", st)
	}
}

func TestConcurrentResolutionsOfOneConflict(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	a.run(t, "household", "set", h, "poverty_status=near_poor")
	b.run(t, "household", "set", h, "poverty_status=escaped_poverty")
	syncAll(t, a, b)
	first := a.conflicts(t)
	if len(first) != 1 {
		t.Fatalf("conflicts: %+v", first)
	}
	// Both resolve it offline, differently: the first conflict is resolved,
	// and the two resolutions are a new one, the same everywhere.
	a.run(t, "conflicts", "resolve", first[0].ID, "--value", "poor")
	b.run(t, "conflicts", "resolve", first[0].ID, "--keep", "theirs")
	syncAll(t, a, b)
	want := srv.conflicts(t)
	if len(want) != 2 || want[0].Resolved || !want[1].Resolved || want[1].ID != first[0].ID {
		t.Fatalf("server conflicts after two resolutions: %+v; want a new open one and the first resolved", want)
	}
	for name, d := range map[string]*device{"a": a, "b": b} {
		got := d.conflicts(t)
		if len(got) != 2 || got[0].ID != want[0].ID || got[1].ID != want[1].ID || got[0].Resolved != want[0].Resolved {
			t.Errorf("%s lists %+v, server %+v", name, got, want)
		}
	}
	assertConverged(t, srv, lacLuong, a, b)
}
