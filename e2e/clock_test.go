package e2e

import (
	"database/sql"
	"strings"
	"testing"
	"time"
)

// clockOffset sets, for the hodan processes and hodan-server commands the
// test starts from here on (a running server keeps its clock until it is
// restarted), how far their wall clock is off (the test-only
// HODAN_CLOCK_OFFSET); "" is the right time.
func clockOffset(t *testing.T, offset string) {
	t.Setenv("HODAN_CLOCK_OFFSET", offset)
}

// TestClockAheadIsRepaired: an officer's laptop runs three days ahead; its
// sync is refused with what to do, `hodan clock repair` refuses while the
// clock is still wrong, and once the clock is set right re-stamps the
// changes waiting, and the next sync is accepted and converges.
func TestClockAheadIsRepaired(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	a.sync(t)
	b.sync(t)

	clockOffset(t, "72h")
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (a)", "poverty_status=poor")
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--birth-year", "1980")
	pending := a.status(t)["pending"].(float64)
	held := srv.logLength(t)
	msg := a.fail(t, "clock is ahead", "sync")
	for _, says := range []string{"set this laptop's date and time", "hodan clock repair", "nothing was sent"} {
		if !strings.Contains(msg, says) {
			t.Errorf("refused sync says %q, not %q", msg, says)
		}
	}
	if msg := a.fail(t, "still ahead", "clock", "repair"); !strings.Contains(msg, "nothing was changed") {
		t.Errorf("repair with the clock still ahead: %q", msg)
	}
	if got := a.status(t)["pending"].(float64); got != pending || srv.logLength(t) != held {
		t.Fatalf("after the refusals: %v changes pending (want %v), the server holds %d (want %d)", got, pending, srv.logLength(t), held)
	}

	clockOffset(t, "") // the officer sets the date and time
	b.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (b)")
	b.sync(t)
	var res struct {
		Restamped    int    `json:"restamped"`
		LatestBefore string `json:"latest_before"`
		LatestAfter  string `json:"latest_after"`
	}
	mustJSON(t, a.run(t, "clock", "repair"), &res)
	before, errB := time.Parse(time.RFC3339Nano, res.LatestBefore)
	after, errA := time.Parse(time.RFC3339Nano, res.LatestAfter)
	if res.Restamped != int(pending) || errB != nil || errA != nil || !after.Before(before) || after.After(time.Now().Add(time.Minute)) {
		t.Fatalf("repair: %+v; want %v changes brought back to now", res, pending)
	}
	if sr := a.sync(t); sr.Pushed != int(pending) || sr.Rejected != 0 {
		t.Fatalf("sync after repair: %+v", sr)
	}
	b.sync(t)
	assertConverged(t, srv, lacLuong, a, b)
	// The re-stamped edit counts as written at the repair, after b's.
	if got := b.show(t, "household", h)["head_name"]; got != "Bùi Văn Thảo (a)" {
		t.Errorf("b sees head_name %v", got)
	}
	if got := b.show(t, "member", m)["full_name"]; got != "Bùi Thị Hoa" {
		t.Errorf("b sees the member as %v", got)
	}
	// A second repair has nothing to do, which is no failure.
	mustJSON(t, a.run(t, "clock", "repair"), &res)
	if res.Restamped != 0 {
		t.Errorf("a second repair re-stamped %d changes", res.Restamped)
	}
	for lang, says := range map[string]string{"en": "Nothing to repair", "vi": "Không có gì cần sửa"} {
		out, errOut, err := runIn(lang, bin.client, "--db", a.db, "clock", "repair")
		if err != nil || errOut != "" || !strings.Contains(out, says) {
			t.Errorf("a second repair in %s: %v, stdout %q, stderr %q; want exit 0 and %q", lang, err, out, errOut, says)
		}
	}
}

// TestClockReset1980KeepsOrder: a laptop whose clock battery died reads
// 1980; what it records then still comes after what it recorded before,
// and syncs.
func TestClockReset1980KeepsOrder(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	clockOffset(t, time.Until(time.Date(1980, 1, 1, 12, 0, 0, 0, time.UTC)).Round(time.Second).String())
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (1980)")
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (later)")
	if sr := a.sync(t); sr.Rejected != 0 || sr.Pushed == 0 {
		t.Fatalf("sync: %+v", sr)
	}
	if last, _ := a.status(t)["last_sync"].(string); !strings.HasPrefix(last, "1980-") {
		t.Fatalf("last sync recorded at %q: the laptop's clock was not set to 1980", last)
	}
	assertOwnStampsIncrease(t, a)
	clockOffset(t, "")
	fresh := enrolled(t, srv, "fresh", "Hà Thị Lan", lacLuong)
	fresh.sync(t)
	if got := fresh.show(t, "household", h)["head_name"]; got != "Bùi Văn Thảo (later)" {
		t.Errorf("the server has head_name %v, want the last edit", got)
	}
	assertConverged(t, srv, lacLuong, a, fresh)
}

// assertOwnStampsIncrease reads the device's database file and checks that
// its own changes are stamped in increasing order.
func assertOwnStampsIncrease(t *testing.T, d *device) {
	t.Helper()
	site := d.status(t)["site_id"].(string)
	db, err := sql.Open("sqlite3", "file:"+d.db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT l.origin_seq, l.hlc FROM sync_log l JOIN sync_sites s ON s.id = l.origin
		WHERE lower(hex(s.site)) = ? ORDER BY l.origin_seq`, strings.ReplaceAll(site, "-", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int
	var prev int64
	for rows.Next() {
		var seq, hlc int64
		if err := rows.Scan(&seq, &hlc); err != nil {
			t.Fatal(err)
		}
		if hlc <= prev {
			t.Fatalf("change #%d stamped %d, not after the one before (%d)", seq, hlc, prev)
		}
		prev, n = hlc, n+1
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Fatalf("read %d own changes: %v", n, err)
	}
}
