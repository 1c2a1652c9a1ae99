package e2e

import (
	"strings"
	"testing"
	"time"

	"hodan/syncengine"
)

// to1980 is the HODAN_CLOCK_OFFSET of a laptop whose clock battery died
// and reads 1 January 1980.
func to1980() string {
	return time.Until(time.Date(1980, 1, 1, 9, 0, 0, 0, time.UTC)).Round(time.Second).String()
}

// TestDeadBatteryIsNoticed is issue 14, item 8: a laptop whose clock reads
// 1980 warns at every write, refuses to date a visit by it, and its sync
// says how far its clock is off and what to do; a 1980 visit date that
// reaches the server anyway (written by an older hodan) is refused.
func TestDeadBatteryIsNoticed(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	a.sync(t) // the laptop learns the server's time
	clockOffset(t, to1980())

	_, errOut, err := a.try("household", "set", h, "phone=0912345678")
	if err != nil || !strings.Contains(errOut, "01/01/1980") || !strings.Contains(errOut, "cannot be right") {
		t.Errorf("a write with the clock at 1980: %v, stderr %q; want it done, with a warning", err, errOut)
	}
	_, errVI, _ := runIn("", bin.client, "--db", a.db, "household", "set", h, "phone=0912345679")
	if !strings.Contains(errVI, "không thể đúng") {
		t.Errorf("the warning in Vietnamese, hodan's default: %q", errVI)
	}

	_, errOut, err = a.try("visit", "add", "--household-id", h, "--purpose", "follow_up")
	if exitCode(err) != 1 || !strings.Contains(errOut, "--visit-date") {
		t.Errorf("visit add without a date, the clock at 1980: %v, stderr %q; want it refused, asking for --visit-date", err, errOut)
	}
	a.add(t, "visit", "--household-id", h, "--purpose", "follow_up", "--visit-date", "03/12/2026")
	for _, v := range a.list(t, "visit") {
		if d, _ := v["visit_date"].(string); strings.HasPrefix(d, "1980") {
			t.Errorf("a visit dated %s was stored", d)
		}
	}
	if _, errOut, err = a.try("visit", "add", "--household-id", h, "--purpose", "follow_up", "--visit-date", "01/01/1980"); err == nil {
		t.Errorf("visit add --visit-date 01/01/1980 was accepted: %q", errOut)
	}

	out, errOut, err := a.try("sync")
	if err != nil || !strings.Contains(errOut, "behind the server") || !strings.Contains(errOut, "Set the laptop's date and time") {
		t.Errorf("sync with the clock at 1980: %v, stderr %q; want it done, saying the clock is behind", err, errOut)
	}
	var sr syncengine.SyncResult
	mustJSON(t, out, &sr)
	if sr.Rejected != 0 {
		t.Errorf("sync: %+v", sr)
	}

	clockOffset(t, "")
	old1980Visit(t, a, h)
	if sr := a.sync(t); sr.Pushed != 5 || sr.Rejected != 1 {
		t.Fatalf("sync of a visit dated 1980: %+v; want it refused", sr)
	}
	rejected, _ := a.status(t)["rejected"].([]any)
	if len(rejected) != 1 || !strings.Contains(rejected[0].(map[string]any)["message"].(string), "2000") {
		t.Fatalf("refusals recorded: %v", rejected)
	}
}

// old1980Visit records, in the laptop's database, a visit dated 1 January
// 1980, as a hodan older than the date rule would have.
func old1980Visit(t *testing.T, d *device, household string) {
	t.Helper()
	officer := d.status(t)["officer"]
	d.writeDirect(t, func(tx *syncengine.Tx) error {
		_, err := tx.Insert("visits", map[string]any{"household_id": household, "visit_date": "1980-01-01",
			"purpose": "follow_up", "officer": officer})
		return err
	})
}
