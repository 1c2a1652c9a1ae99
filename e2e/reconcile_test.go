package e2e

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// pairJSON is what both binaries print for a pair of duplicates.
type pairJSON struct {
	Score   float64
	Reasons []string
	A, B    reportedHousehold
}

// overlapJSON is what hodan-server reconcile support prints for a finding.
type overlapJSON struct {
	Type, Kind string
	Household  reportedHousehold
	Programs   []string
	Records    []struct {
		ID          string
		HouseholdID string `json:"household_id"`
		Program     string
	}
}

// reportedHousehold is a household as both reports show it.
type reportedHousehold struct {
	ID       string
	Commune  string
	HeadName string `json:"head_name"`
}

func pairIDs(t *testing.T, out string) [][2]string {
	t.Helper()
	var pairs []pairJSON
	mustJSON(t, out, &pairs)
	if pairs == nil {
		t.Fatalf("pairs printed as %q, want an array", out)
	}
	ids := [][2]string{}
	for _, p := range pairs {
		if p.Score <= 0 || p.Score > 1 || len(p.Reasons) == 0 {
			t.Errorf("pair %+v: want a score in (0, 1] and reasons", p)
		}
		ids = append(ids, [2]string{p.A.ID, p.B.ID})
	}
	return ids
}

func sortedPair(a, b string) [2]string {
	s := []string{a, b}
	sort.Strings(s)
	return [2]string{s[0], s[1]}
}

func TestDuplicateFamilyFoundAndOverlappingSupportFlagged(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	// Offline, each officer registers the family and records the new
	// house the family got, each from a different program. A man with a
	// name alike, twenty years older, is another family.
	h1 := a.add(t, "household", "--head-name", "Bùi Văn Thảo", "--head-birth-year", "1978", "--head-sex", "male")
	h2 := b.add(t, "household", "--head-name", "Bui  van Thao", "--head-birth-year", "1979", "--head-sex", "male")
	a.add(t, "household", "--head-name", "Bùi Văn Thanh", "--head-birth-year", "1958", "--head-sex", "male")
	s1 := a.add(t, "support", "--household-id", h1, "--program", "ntp_1719", "--kind", "new_house", "--project-code", "DA1.ND2",
		"--status", "delivered", "--delivered-date", "2024-05-10", "--amount-vnd", "40000000")
	s2 := b.add(t, "support", "--household-id", h2, "--program", "sustainable_poverty", "--kind", "new_house",
		"--status", "accepted", "--delivered-date", "2024-09-02", "--amount-vnd", "60000000")
	syncAll(t, a, b)

	want := [][2]string{sortedPair(h1, h2)}
	for name, out := range map[string]string{
		"hodan on a":                a.run(t, "household", "duplicates"),
		"hodan on b":                b.run(t, "household", "duplicates", "--min-score", "0.3"),
		"hodan-server":              srv.run(t, "households", "duplicates", "--db", srv.db, "--json"),
		"hodan-server, the commune": srv.run(t, "households", "duplicates", "--db", srv.db, "--commune", lacLuong, "--json"),
	} {
		if got := pairIDs(t, out); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: pairs %v, want %v", name, got, want)
		}
	}
	if got := pairIDs(t, srv.run(t, "households", "duplicates", "--db", srv.db, "--commune", camGiang, "--json")); len(got) != 0 {
		t.Errorf("another commune: pairs %v, want none", got)
	}
	if got := pairIDs(t, a.run(t, "household", "duplicates", "--min-score", "1")); len(got) != 0 {
		t.Errorf("--min-score 1: pairs %v, want none (the birth years differ)", got)
	}
	a.fail(t, "--min-score", "household", "duplicates", "--min-score", "2")
	if _, errOut, err := runCmd(bin.server, "households", "duplicates", "--db", t.TempDir()+"/none.db"); err == nil || !strings.Contains(errOut, "no server database") {
		t.Errorf("no database: %v, %q; want a refusal, and no database made", err, errOut)
	}
	text, errOut, err := runCmd(bin.client, "--db", a.db, "household", "duplicates")
	if err != nil {
		t.Fatalf("hodan household duplicates: %v\n%s", err, errOut)
	}
	assertTable(t, text, h1, h2, "Bùi Văn Thảo", "Bui  van Thao")

	// Two households, one house each: not yet an overlap.
	if got := overlaps(t, srv); len(got) != 0 {
		t.Errorf("before the merge: overlaps %+v, want none", got)
	}
	a.run(t, "household", "merge", h1, h2)
	syncAll(t, a, b)
	if got := pairIDs(t, srv.run(t, "households", "duplicates", "--db", srv.db, "--json")); len(got) != 0 {
		t.Errorf("after the merge: pairs %v, want none", got)
	}
	got := overlaps(t, srv)
	if len(got) != 1 {
		t.Fatalf("after the merge: overlaps %+v, want the two houses", got)
	}
	o := got[0]
	if o.Type != "cross_program" || o.Kind != "new_house" || o.Household.ID != h1 || o.Household.HeadName != "Bùi Văn Thảo" || o.Household.Commune != lacLuong ||
		len(o.Records) != 2 || o.Records[0].ID != s1 || o.Records[1].ID != s2 || o.Records[1].HouseholdID != h1 || !reflect.DeepEqual(o.Programs, []string{"ntp_1719", "sustainable_poverty"}) {
		t.Errorf("overlap %+v: want Thảo's two houses from 1719 and the poverty programme, %s then %s", o, s1, s2)
	}
	if got := overlaps(t, srv, "--year", "2023"); len(got) != 0 {
		t.Errorf("--year 2023: overlaps %+v, want none", got)
	}
	if got := overlaps(t, srv, "--year", "2024", "--commune", lacLuong); len(got) != 1 {
		t.Errorf("--year 2024: overlaps %+v, want the houses", got)
	}
	assertTable(t, srv.run(t, "reconcile", "support", "--db", srv.db), h1, s1, s2, "Support to build a new house twice, from 2 programs", "60,000,000")
}

func overlaps(t *testing.T, srv *server, flags ...string) []overlapJSON {
	t.Helper()
	var out []overlapJSON
	mustJSON(t, srv.run(t, append([]string{"reconcile", "support", "--db", srv.db, "--json"}, flags...)...), &out)
	if out == nil {
		t.Fatal("overlaps printed as null, want an array")
	}
	return out
}

// assertTable fails unless text fits 80 columns and holds every string of
// want.
func assertTable(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q:\n%s", s, text)
		}
	}
}
