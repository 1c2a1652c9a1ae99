package e2e

import (
	"testing"
)

// twoOfficers returns a server and two devices of one commune that both
// hold a freshly synced household.
func twoOfficers(t *testing.T) (*server, *device, *device, string) {
	t.Helper()
	srv := startServer(t, t.TempDir()+"/server.db")
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
	assertConverged(t, srv, lacLuong, a, b)
}

func TestDeleteVersusConcurrentEditConverges(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa")
	a.sync(t)
	b.sync(t)
	a.run(t, "household", "delete", h)
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
