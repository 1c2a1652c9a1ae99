package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEnrollRefusesACodeThatNeverWorks: a code valid for no time, or an
// officer's name no field may hold, is refused and no code is printed; a
// good code says until when it is valid, dd/mm/yyyy HH:MM on the
// server's clock.
func TestEnrollRefusesACodeThatNeverWorks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.db")
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
	until := time.Now().Add(48 * time.Hour).Format("02/01/2006")
	if err != nil || strings.TrimSpace(out) == "" || !strings.Contains(errOut, "valid until "+until) {
		t.Errorf("enroll --ttl 48h: err %v, stdout %q, stderr %q; want a code valid until %s …", err, out, errOut, until)
	}
}

// TestTwoImportProcessesAtOnce: two hodan processes importing the same
// list at the same moment import each household once.
func TestTwoImportProcessesAtOnce(t *testing.T) {
	d := enrolled(t, startServer(t, filepath.Join(t.TempDir(), "server.db")), "a", "Lò Thị Mai", lacLuong)
	var list strings.Builder
	list.WriteString("Số hộ;Họ và tên chủ hộ;Năm sinh\n")
	const n = 1000
	for i := range n {
		fmt.Fprintf(&list, "H-%04d;Hộ thứ %d;%d\n", i, i, 1940+i%60)
	}
	path := filepath.Join(t.TempDir(), "ds.csv")
	if err := os.WriteFile(path, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs, errOuts, errs := make([]string, 2), make([]string, 2), make([]error, 2)
	for k := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[k], errOuts[k], errs[k] = d.try("import", "households", path)
		}()
	}
	wg.Wait()
	imported := 0
	for k := range outs {
		var rep importReport
		if err := json.Unmarshal([]byte(outs[k]), &rep); errs[k] != nil || err != nil {
			t.Fatalf("import %d: %v (%v)\n%s\n%s", k+1, errs[k], err, outs[k], errOuts[k])
		}
		imported += rep.Imported
	}
	if got := len(d.list(t, "household")); got != n || imported != n {
		t.Errorf("%d households on the laptop, %d imported in all; want each of the %d once", got, imported, n)
	}
}

// TestSyncJSONErrorWhenTheServerIsDown: hodan sync --json with the server
// down prints a JSON error, as every command's --json does, and exits 1.
func TestSyncJSONErrorWhenTheServerIsDown(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"))
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
