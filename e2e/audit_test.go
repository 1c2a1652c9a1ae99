package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditExportVerifyReplayHistory: two laptops record and sync; the
// district exports the signed log while the server runs; an auditor with
// only the file verifies it, replays it to the server's digest, reads the
// household's history, and catches a tampered copy.
func TestAuditExportVerifyReplayHistory(t *testing.T) {
	srv, a, b, h := twoOfficers(t)
	a.run(t, "household", "set", h, "poverty_status=near_poor")
	a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--birth-year", "2003", "--sex", "female", "--relation", "child")
	syncAll(t, a, b)
	b.run(t, "household", "set", h, "poverty_status=escaped_poverty")
	syncAll(t, a, b)

	dir := t.TempDir()
	export := filepath.Join(dir, "audit.jsonl")
	srv.run(t, "audit", "export", "--db", srv.db, "--out", export)
	if out := srv.run(t, "audit", "verify", export); !strings.HasPrefix(out, "verified: ") {
		t.Errorf("audit verify: %q", out)
	}

	var replay struct {
		Digest  string
		Applied uint64
	}
	mustJSON(t, srv.run(t, "audit", "replay", export, "--json"), &replay)
	if want := srv.digest(t, ""); replay.Digest != want || replay.Applied == 0 {
		t.Errorf("audit replay: digest %s after %d entries; hodan-server digest %s", replay.Digest, replay.Applied, want)
	}

	var history []struct {
		Seq      uint64
		Table    string
		Column   string
		Value    any
		Replaced any
		Outcome  string
		Officer  string
	}
	mustJSON(t, srv.run(t, "audit", "history", export, "--household", h, "--json"), &history)
	var writes []string
	var nearPoor uint64
	members := 0
	for _, c := range history {
		switch {
		case c.Table == "households" && c.Column == "poverty_status":
			writes = append(writes, fmt.Sprintf("%v<-%v:%s", c.Value, c.Replaced, c.Outcome))
			if c.Value == "near_poor" {
				nearPoor = c.Seq
			}
		case c.Table == "members":
			members++
		}
	}
	if want := "poor<-<nil>:overwritten near_poor<-poor:overwritten escaped_poverty<-near_poor:current"; strings.Join(writes, " ") != want {
		t.Errorf("poverty_status history: %s, want %s", strings.Join(writes, " "), want)
	}
	if members == 0 {
		t.Errorf("the household's history lists no change of its member")
	}
	table := srv.run(t, "audit", "history", export, "--household", h, "--column", "poverty_status")
	if !strings.Contains(table, "near_poor") || !strings.Contains(table, "overwritten") || strings.Contains(table, "full_name") {
		t.Errorf("audit history --column poverty_status:\n%s", table)
	}

	// A copy with the overwritten value edited: verify fails, naming it.
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	edited := false
	for i, l := range lines {
		if strings.Contains(l, `"type":"entry"`) && strings.Contains(l, fmt.Sprintf(`"seq":%d,`, nearPoor)) {
			lines[i], edited = strings.Replace(l, `"near_poor"`, `"poor"`, 1), true
		}
	}
	if !edited {
		t.Fatalf("entry #%d not found in the export", nearPoor)
	}
	tampered := filepath.Join(dir, "tampered.jsonl")
	if err := os.WriteFile(tampered, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := runCmd(bin.server, "audit", "verify", tampered)
	if exitCode(err) != 1 || !strings.Contains(errOut, fmt.Sprintf("entry #%d", nearPoor)) {
		t.Errorf("audit verify of a tampered copy: %v, stderr %q; want exit 1 naming entry #%d", err, errOut, nearPoor)
	}

	// replay --out refuses a file that exists, and leaves it as it was.
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err = runCmd(bin.server, "audit", "replay", export, "--out", existing)
	if got, _ := os.ReadFile(existing); err == nil || !strings.Contains(errOut, "exists") || string(got) != "mine" {
		t.Errorf("audit replay --out an existing file: %v, stderr %q, the file now %q", err, errOut, got)
	}

	// verify --db reads the live server's database while it serves.
	if out := srv.run(t, "audit", "verify", "--db", srv.db); !strings.HasPrefix(out, "verified: ") {
		t.Errorf("audit verify --db: %q", out)
	}
	a.run(t, "household", "set", h, "notes=after the export")
	a.sync(t)
	var rep struct{ Entries uint64 }
	mustJSON(t, srv.run(t, "audit", "verify", "--db", srv.db, "--json"), &rep)
	if rep.Entries != uint64(srv.logLength(t)) {
		t.Errorf("audit verify --db: %d entries, the server's log %d", rep.Entries, srv.logLength(t))
	}
}
