package e2e

import (
	"testing"
)

// TestWalkthrough is the README's walkthrough, with the built binaries in
// processes of their own: an officer records a household, a member and a
// visit offline, syncs, and a colleague sees them.
func TestWalkthrough(t *testing.T) {
	srv := startServerProcess(t, serverDB(t))
	a := enrolledProcess(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolledProcess(t, srv, "b", "Hà Thị Lan", lacLuong)
	srv.stop() // the field: no network from here until the sync

	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo", "--ethnicity-code", "06", "--head-birth-year", "1975",
		"--poverty-status", "poor", "--housing-condition", "makeshift", "--water-source", "spring")
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--birth-year", "1980", "--sex", "female", "--relation", "spouse")
	v := a.add(t, "visit", "--household-id", h, "--purpose", "poverty_review", "--visit-date", "21/11/2026", "--notes", "Nhà tạm, mái dột")
	if got := a.status(t)["pending"].(float64); got == 0 {
		t.Fatal("nothing waiting to be sent after recording offline")
	}
	if _, _, err := a.try("sync"); err == nil {
		t.Fatal("sync succeeded with the server down")
	}

	srv = srv.restart(t)
	a.fail(t, "already enrolled", "init", "--server", srv.url, "--enroll", "x")
	res := a.sync(t)
	if res.Pushed == 0 || res.Rejected != 0 {
		t.Fatalf("a's sync: %+v", res)
	}
	if got := a.status(t)["pending"].(float64); got != 0 {
		t.Fatalf("%v changes still pending after sync", got)
	}
	if res := b.sync(t); res.Pulled == 0 || res.Pushed != 0 {
		t.Fatalf("b's sync: %+v", res)
	}
	if got := b.show(t, "household", h)["head_name"]; got != "Bùi Văn Thảo" {
		t.Errorf("b sees head_name %v", got)
	}
	if got := b.show(t, "member", m)["full_name"]; got != "Bùi Thị Hoa" {
		t.Errorf("b sees member %v", got)
	}
	visit := b.show(t, "visit", v)
	if visit["visit_date"] != "2026-11-21" || visit["officer"] != "Lò Văn Minh" {
		t.Errorf("b sees visit %v", visit)
	}
	want := srv.digest(t, lacLuong)
	if a.digest(t, lacLuong) != want || b.digest(t, lacLuong) != want {
		t.Error("digests of a, b and the server differ")
	}
}
