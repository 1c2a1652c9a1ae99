package e2e

import (
	"testing"
)

// TestBadInputIsRefusedAndNothingWritten: each mistake an officer can make
// gets one line on stderr, exit status 1, and leaves the database as it was.
func TestBadInputIsRefusedAndNothingWritten(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	missing := "01a20000-0000-7000-8000-000000000000"
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"unknown ethnicity code", []string{"household", "add", "--head-name", "X", "--ethnicity-code", "99"}, "ethnic group code"},
		{"commune not enrolled", []string{"household", "add", "--head-name", "X", "--commune-code", camGiang}, "not one of this laptop's communes"},
		{"old commune code", []string{"household", "add", "--head-name", "X", "--commune-code", "05365"}, "went into 05362"},
		{"bad date", []string{"visit", "add", "--household-id", h, "--purpose", "follow_up", "--visit-date", "31/02/2026"}, "not a date"},
		{"bad enum", []string{"visit", "add", "--household-id", h, "--purpose", "picnic"}, "not one of"},
		{"unknown column", []string{"household", "set", h, "colour=red"}, "no column"},
		{"unknown flag", []string{"household", "add", "--head-name", "X", "--colour", "red"}, "unknown flag"},
		{"missing household", []string{"member", "add", "--household-id", missing, "--full-name", "X"}, "no household"},
		{"malformed id", []string{"household", "show", "42"}, "not a household id"},
		{"missing required", []string{"household", "add", "--ethnicity-code", "01"}, "head_name is required"},
		{"clearing required", []string{"household", "set", h, "head_name="}, "cannot be cleared"},
		{"changing commune", []string{"household", "set", h, "commune_code=" + camGiang}, "cannot change"},
		{"set without value", []string{"household", "set", h, "notes"}, "column=value"},
		{"delete missing", []string{"household", "delete", missing}, "no household"},
		{"birth year out of range", []string{"member", "add", "--household-id", h, "--full-name", "X", "--birth-year", "1850"}, "between 1900"},
	}
	before := a.digest(t, lacLuong)
	pending := a.status(t)["pending"]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.fail(t, tt.says, tt.args...)
		})
	}
	if a.digest(t, lacLuong) != before || a.status(t)["pending"] != pending {
		t.Error("a refused command changed the database")
	}
}

// TestEverythingButSyncWorksOffline runs every record command with no
// server anywhere.
func TestEverythingButSyncWorksOffline(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	srv.stop()

	v := a.add(t, "village", "--name", "Bản Lác", "--especially-difficult", "yes")
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo", "--village-id", v, "--phone", "0912 345 678")
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--is-prestige", "có")
	a.add(t, "visit", "--household-id", h, "--purpose", "prestige_visit")
	a.add(t, "support", "--household-id", h, "--program", "ntp_1719", "--project-code", "DA1.ND2", "--kind", "new_house",
		"--amount-vnd", "40000000", "--status", "delivered", "--delivered-date", "2026-10-01")
	d := a.add(t, "damage", "--household-id", h, "--event", "Bão Yagi (số 3) 2024", "--house-damage", "severe", "--estimated-loss-vnd", "15000000")
	a.run(t, "household", "set", h, "poverty_status=near_poor")
	a.run(t, "damage", "delete", d)
	for _, noun := range []string{"village", "household", "member", "visit", "support", "damage"} {
		a.list(t, noun)
	}
	if a.show(t, "member", m)["is_prestige"] != true {
		t.Error("is_prestige not recorded as true")
	}
	if rows := a.list(t, "damage"); len(rows) != 0 {
		t.Errorf("deleted damage report still listed: %v", rows)
	}
	a.digest(t, lacLuong)
	if st := a.status(t); st["pending"].(float64) == 0 || st["last_sync"] != nil {
		t.Errorf("status %v", st)
	}
	a.fail(t, "cannot reach the server", "sync")
	for _, args := range [][]string{{"household", "list"}, {"status"}, {"digest"}} {
		out, _, err := runCmd(bin.client, append([]string{"--db", a.db}, args...)...)
		if err != nil || out == "" {
			t.Errorf("hodan %v as a table: %v", args, err)
		}
	}
}

func TestNotEnrolledYet(t *testing.T) {
	d := newDevice(t, "new")
	d.fail(t, "hodan init", "household", "list")
	d.fail(t, "cannot reach", "init", "--server", "http://127.0.0.1:1", "--enroll", "ABCDE")
	srv := startServer(t, serverDB(t))
	d.fail(t, "enrollment code", "init", "--server", srv.url, "--enroll", "WRONG-CODE0-00000")
	d.fail(t, "--server", "init", "--server", "ftp://x", "--enroll", "A")
}
