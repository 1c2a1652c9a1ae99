package ops

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// TestHistoryOfAField: a household's head's name changed on one laptop,
// then on two at once; the history of the field says each value, who
// wrote it, what it replaced, and which lost the conflict.
func TestHistoryOfAField(t *testing.T) {
	ctx := context.Background()
	wall := &clock{t: time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)}
	a, b := mustReplicaAt(t, wall.now), mustReplicaAt(t, wall.now)
	hoa := Actor{Officer: "Hà Thị Hoa", Communes: []string{lacLuong}}
	h := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	set := func(db *syncengine.DB, who Actor, name string) {
		t.Helper()
		wall.tick()
		if _, err := UpdateRecord(ctx, db, who, schema.Households, h, map[string]any{"head_name": name}); err != nil {
			t.Fatal(err)
		}
	}
	set(a, officer, "Lò Thị Mây")
	exchange(t, a, b)
	set(b, hoa, "Lò Thị May")    // b saw Mây
	set(a, officer, "Lò Thị Mơ") // a did not see May
	exchange(t, b, a)
	names := func(s syncengine.SiteID) string {
		return map[syncengine.SiteID]string{a.Site(): officer.Officer, b.Site(): hoa.Officer}[s]
	}
	got, err := History(ctx, a, officer, names, schema.Households, h[:18])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Column != "" || got[0].Outcome != syncengine.OutcomeCreated || got[0].Officer != officer.Officer {
		t.Fatalf("the history does not begin with the household's creation by %s: %+v", officer.Officer, got)
	}
	var lines []string
	for _, c := range got {
		if c.Column != "head_name" {
			continue
		}
		replaced := "-"
		if c.Replaced != nil {
			replaced = fmt.Sprint(c.Replaced.Any())
		}
		lines = append(lines, fmt.Sprintf("%v by %s over %s: %s", c.Value.Any(), c.Officer, replaced, c.Outcome))
	}
	want := []string{
		"Lò Thị Mai by Lò Văn Minh over -: overwritten",
		"Lò Thị Mây by Lò Văn Minh over Lò Thị Mai: overwritten",
		"Lò Thị May by Hà Thị Hoa over Lò Thị Mây: lost_conflict",
		"Lò Thị Mơ by Lò Văn Minh over Lò Thị May: current",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("the history of head_name:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for i := 1; i < len(got); i++ {
		if got[i].HLC < got[i-1].HLC {
			t.Errorf("write %d is stamped before the one listed before it", i)
		}
	}
}

// TestHistoryKeepsToTheActorsCommunes: the history of another commune's
// record is refused, and of a record never held says so.
func TestHistoryKeepsToTheActorsCommunes(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	other := Actor{Officer: "Hà Văn Sáu", Communes: []string{camGiang}}
	if _, err := History(ctx, db, other, noNames, schema.Households, h); !strings.Contains(Explain(i18n.EN, err), "is in commune 05362") {
		t.Errorf("history of another commune's household: %v", err)
	}
	if _, err := History(ctx, db, officer, noNames, schema.Members, h); !strings.Contains(Explain(i18n.EN, err), "no member") {
		t.Errorf("history of a member never held: %v", err)
	}
}
