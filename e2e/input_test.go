package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestEnrollRefusesACodeThatNeverWorks: a code valid for no time, or an
// officer's name no field may hold, is refused and no code is printed; a
// good code says until when it is valid, dd/mm/yyyy HH:MM on the
// server's clock.
func TestEnrollRefusesACodeThatNeverWorks(t *testing.T) {
	db := serverDB(t)
	for _, args := range [][]string{
		{"--officer", "Lò Văn Minh", "--ttl", "0s"},
		{"--officer", "Lò Văn Minh", "--ttl", "-1h"},
		{"--officer", "Lò Văn Minh\x1b]0;pwned\x07"},
	} {
		out, errOut, err := runCmd(bin.server, append([]string{"enroll", "--db", db, "--commune", lacLuong}, args...)...)
		if err == nil || out != "" || errOut == "" {
			t.Errorf("enroll %q: err %v, stdout %q, stderr %q; want a refusal and no code", args, err, out, errOut)
		}
	}
	out, errOut, err := runCmd(bin.server, "enroll", "--db", db, "--commune", lacLuong, "--officer", "Lò Văn Minh", "--ttl", "48h")
	until := time.Now().Add(48 * time.Hour).In(time.FixedZone("ICT", 7*60*60)).Format("02/01/2006") // in Vietnam's time
	if err != nil || strings.TrimSpace(out) == "" || !strings.Contains(errOut, "valid until "+until) {
		t.Errorf("enroll --ttl 48h: err %v, stdout %q, stderr %q; want a code valid until %s …", err, out, errOut, until)
	}
}

// TestSyncJSONErrorWhenTheServerIsDown: hodan sync --json with the server
// down prints a JSON error, as every command's --json does, and exits 1.
func TestSyncJSONErrorWhenTheServerIsDown(t *testing.T) {
	srv := startServer(t, serverDB(t))
	d := enrolled(t, srv, "a", "Lò Thị Mai", lacLuong)
	d.add(t, "household", "--head-name", "Hà Thị Mai")
	srv.stop()
	out, errOut, err := d.try("sync")
	var e struct {
		Error struct{ Code, Message string }
	}
	if err == nil || json.Unmarshal([]byte(out), &e) != nil || e.Error.Code != "unreachable" || e.Error.Message == "" {
		t.Errorf("sync --json, server down: err %v, stdout %q, stderr %q; want exit 1 and a JSON error", err, out, errOut)
	}
}
