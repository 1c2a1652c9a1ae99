package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// orphan is an entry of `conflicts list --json` of kind "orphan": a record
// whose household (or village, or the household it was merged into) was
// deleted while it was being recorded.
type orphan struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Reason      string `json:"reason"`
	Table       string `json:"table"`
	RowID       string `json:"row_id"`
	Commune     string `json:"commune"`
	Record      string `json:"record"`
	HouseholdID string `json:"household_id"`
	HeadName    string `json:"head_name"`
	Village     string `json:"village"`
	Deleted     struct {
		Table   string `json:"table"`
		ID      string `json:"id"`
		Name    string `json:"name"`
		Officer string `json:"officer"`
	} `json:"deleted"`
}

// orphansOf picks the orphans out of what `conflicts list --json` printed,
// by row id.
func orphansOf(t *testing.T, out string) map[string]orphan {
	t.Helper()
	var entries []json.RawMessage
	mustJSON(t, out, &entries)
	found := map[string]orphan{}
	for _, e := range entries {
		var o orphan
		mustJSON(t, string(e), &o)
		if o.Kind == "orphan" {
			found[o.RowID] = o
		}
	}
	return found
}

func (d *device) orphans(t *testing.T) map[string]orphan {
	t.Helper()
	return orphansOf(t, d.run(t, "conflicts", "list"))
}

func (s *server) orphans(t *testing.T) map[string]orphan {
	t.Helper()
	return orphansOf(t, s.run(t, "conflicts", "list", "--db", s.db, "--json"))
}

// assertOrphans checks that every replica lists as orphans exactly the rows
// of want (row id to reason), with the same ids, and returns the server's
// list.
func assertOrphans(t *testing.T, srv *server, want map[string]string, devs ...*device) map[string]orphan {
	t.Helper()
	lists := map[string]map[string]orphan{"server": srv.orphans(t)}
	for i, d := range devs {
		lists[string(rune('a'+i))] = d.orphans(t)
	}
	for name, got := range lists {
		if len(got) != len(want) {
			t.Errorf("%s lists %d orphans, want %d: %+v", name, len(got), len(want), got)
		}
		for row, reason := range want {
			o, ok := got[row]
			if !ok || o.Reason != reason || o.ID != lists["server"][row].ID {
				t.Errorf("%s: orphan %s is %+v, want reason %s and the server's id", name, row, o, reason)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return lists["server"]
}

// orphanedRecords plays issue 14's item 3: Minh (a) deletes a household
// and an empty village while Lan (b), offline, records a member, a visit,
// a support record and a damage report for the household and a new
// household in the village. It returns the ids.
func orphanedRecords(t *testing.T) (srv *server, a, b *device, ids map[string]string) {
	t.Helper()
	srv, a, b, h := twoOfficers(t)
	v := a.add(t, "village", "--name", "Bản Nà Lừa")
	a.sync(t)
	b.sync(t)
	a.run(t, "household", "delete", h)
	a.run(t, "village", "delete", v)
	ids = map[string]string{
		"household": h, "village": v,
		"member":  b.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--birth-year", "1980"),
		"visit":   b.add(t, "visit", "--household-id", h, "--purpose", "support_delivery"),
		"support": b.add(t, "support", "--household-id", h, "--program", "ntp_1719", "--kind", "livelihood", "--amount-vnd", "5000000", "--status", "delivered"),
		"damage":  b.add(t, "damage", "--household-id", h, "--event", "Bão Yagi", "--estimated-loss-vnd", "2000000"),
		"new":     b.add(t, "household", "--head-name", "Lò Văn Sáng", "--household-number", "17", "--village-id", v),
	}
	syncAll(t, a, b)
	return srv, a, b, ids
}

func TestRecordsUnderADeletedHouseholdAreListedEverywhere(t *testing.T) {
	srv, a, b, ids := orphanedRecords(t)
	want := map[string]string{
		ids["member"]: "parent_deleted", ids["visit"]: "parent_deleted",
		ids["support"]: "parent_deleted", ids["damage"]: "parent_deleted",
		ids["new"]: "village_deleted",
	}
	listed := assertOrphans(t, srv, want, a, b)
	m := listed[ids["member"]]
	if m.HouseholdID != ids["household"] || m.HeadName != "Bui Van Thao" || m.Record != "Bùi Thị Hoa, 1980" ||
		m.Deleted.ID != ids["household"] || m.Deleted.Officer != "Lò Văn Minh" {
		t.Errorf("the server shows the member's orphan as %+v; want its household, head and who deleted it", m)
	}
	if n := listed[ids["new"]]; n.Deleted.Table != "villages" || n.Deleted.Name != "Bản Nà Lừa" || n.HeadName != "Lò Văn Sáng" {
		t.Errorf("the server shows the new household's orphan as %+v; want the deleted village by name", n)
	}
	for _, d := range []*device{a, b} {
		if st := d.status(t); st["orphans"] != float64(len(want)) {
			t.Errorf("status: orphans %v, want %d", st["orphans"], len(want))
		}
	}
	out, _, err := runCmd(bin.client, "--db", b.db, "member", "show", ids["member"])
	if err != nil || !strings.Contains(out, "was deleted") || !strings.Contains(out, "conflicts resolve "+listed[ids["member"]].ID[:8]) {
		t.Errorf("member show of an orphan (%v) does not say its household was deleted and how to settle it:\n%s", err, out)
	}
	out, _, err = runCmd(bin.client, "--db", a.db, "conflicts", "list")
	if err != nil || !strings.Contains(out, "Bùi Thị Hoa") || !strings.Contains(out, "Bản Nà Lừa") {
		t.Errorf("conflicts list (%v) does not name the orphans:\n%s", err, out)
	}
	assertConverged(t, srv, lacLuong, a, b)
}

func TestOrphansAreSettledByRestoreMoveOrDelete(t *testing.T) {
	srv, a, b, ids := orphanedRecords(t)
	listed := a.orphans(t)
	other := a.add(t, "household", "--head-name", "Hà Văn Tú")
	v2 := a.add(t, "village", "--name", "Bản Lác")

	// Bad settles are refused, with nothing written.
	before := a.status(t)["pending"]
	for _, args := range [][]string{
		{"choose exactly one way", "conflicts", "resolve", listed[ids["support"]].ID},
		{"choose exactly one way", "conflicts", "resolve", listed[ids["support"]].ID, "--restore", "--delete"},
		{"choose exactly one way", "conflicts", "resolve", listed[ids["support"]].ID, "--keep", "mine"},
		{"give the id of a household", "conflicts", "resolve", listed[ids["support"]].ID, "--move-to", ids["household"]}, // deleted
		{"give the id of a household", "conflicts", "resolve", listed[ids["support"]].ID, "--move-to", v2},               // a village
		{"give the id of a village", "conflicts", "resolve", listed[ids["new"]].ID, "--move-to", other},                  // a household
	} {
		a.fail(t, args[0], args[1:]...)
	}
	if got := a.status(t)["pending"]; got != before {
		t.Errorf("refused settles wrote something: pending %v, then %v", before, got)
	}

	a.run(t, "conflicts", "resolve", listed[ids["support"]].ID, "--move-to", other)
	a.run(t, "conflicts", "resolve", listed[ids["damage"]].ID, "--delete")
	a.run(t, "conflicts", "resolve", listed[ids["new"]].ID, "--move-to", v2)
	b.run(t, "conflicts", "resolve", listed[ids["member"]].ID, "--restore")
	syncAll(t, a, b)

	assertOrphans(t, srv, map[string]string{}, a, b)
	for _, d := range []*device{a, b} {
		h := d.show(t, "household", ids["household"])
		if h["head_name"] != "Bui Van Thao" || h["ethnicity_code"] != "06" || h["poverty_status"] != "poor" {
			t.Errorf("the restored household holds %v; want its values from before the delete", h)
		}
		parents := parentsOf(t, d)
		if parents[ids["member"]] != ids["household"] || parents[ids["visit"]] != ids["household"] || parents[ids["support"]] != other {
			t.Errorf("records after settling: %v", parents)
		}
		if _, gone := parents[ids["damage"]]; gone {
			t.Errorf("the damage report settled by deleting it is still listed")
		}
		if got := d.show(t, "household", ids["new"])["village_id"]; got != v2 {
			t.Errorf("the household moved to another village is in %v", got)
		}
	}
	assertConverged(t, srv, lacLuong, a, b)
}

// Issue 14's item 4: Minh merges a family registered twice while Lan
// deletes the household he keeps.
func TestMergeRacingDeleteOfTheKeptHouseholdIsListedAndRestored(t *testing.T) {
	srv, a, b, old := twoOfficers(t)
	a.run(t, "household", "delete", old)
	keep, drop, _ := family(t, a)
	syncAll(t, a, b)
	dropped := map[string]bool{}
	for _, noun := range []string{"member", "support"} {
		for _, r := range a.list(t, noun, "--household-id", drop) {
			dropped[r["id"].(string)] = true
		}
	}
	a.run(t, "household", "merge", keep, drop)
	b.run(t, "household", "delete", keep, "--with-children")
	visit := b.add(t, "visit", "--household-id", drop, "--purpose", "follow_up") // Lan knows of no merge
	syncAll(t, a, b)

	// The merge moved drop's member and support to keep, which is gone; the
	// visit stays under drop, hidden by the merge: all are listed.
	want := map[string]string{drop: "merge_target_deleted", visit: "merge_target_deleted"}
	for id := range dropped {
		want[id] = "parent_deleted"
	}
	listed := assertOrphans(t, srv, want, a, b)
	if o := listed[drop]; o.Deleted.ID != keep || o.HeadName != "Bui Van Thao" {
		t.Errorf("the dropped household's orphan is %+v; want the deleted household it went into", o)
	}

	a.run(t, "conflicts", "resolve", listed[drop].ID[:8], "--restore")
	dropped[visit] = true // settling merges moves it to the household restored
	syncAll(t, a, b)
	assertOrphans(t, srv, map[string]string{}, a, b)
	for _, d := range []*device{a, b} {
		if hs := d.list(t, "household"); len(hs) != 1 || hs[0]["id"] != keep {
			t.Errorf("households after the restore: %v; want only %s", ids(hs), keep)
		}
		parents := parentsOf(t, d)
		for id := range dropped {
			if parents[id] != keep {
				t.Errorf("record %s of the merged family is under %q, want %s", id, parents[id], keep)
			}
		}
	}
	assertConverged(t, srv, lacLuong, a, b)
}

func TestDeletingAParentWithLiveRecordsAsksFirst(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	v := a.add(t, "village", "--name", "Bản Lác")
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo", "--village-id", v)
	m := a.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa")
	a.add(t, "visit", "--household-id", h, "--purpose", "follow_up")
	before := a.status(t)["pending"]

	if msg := a.fail(t, "Bùi Thị Hoa", "household", "delete", h); !strings.Contains(msg, "Bùi Thị Hoa") || !strings.Contains(msg, "--with-children") {
		t.Errorf("household delete with records says %q; want the records named and --with-children", msg)
	}
	if msg := a.fail(t, "Bùi Văn Thảo", "village", "delete", v); !strings.Contains(msg, "Bùi Văn Thảo") {
		t.Errorf("village delete with households says %q; want the household named", msg)
	}
	a.fail(t, "unknown flag: --with-children", "village", "delete", v, "--with-children") // a village never takes its households with it
	if got := a.status(t)["pending"]; got != before {
		t.Errorf("refused deletes wrote something: pending %v, then %v", before, got)
	}

	a.run(t, "household", "delete", h, "--with-children")
	if rows := a.list(t, "member"); len(rows) != 0 {
		t.Errorf("members after deleting their household: %v", rows)
	}
	a.fail(t, "was deleted (by Lò Văn Minh", "member", "show", m)
	a.run(t, "village", "delete", v)
}
