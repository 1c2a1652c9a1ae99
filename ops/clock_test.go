package ops

import (
	"context"
	"testing"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// The laptop's clock cannot be right when it reads before this build was
// made, or more than a day before the server's time at the last sync.
func TestDoubtClock(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	right := time.Now()
	tests := []struct {
		name   string
		now    time.Time
		server time.Time // recorded at the last sync; zero for none
		reason string    // "" for no doubt
	}{
		{"right", right, time.Time{}, ""},
		{"a dead battery", time.Date(1980, 1, 1, 9, 0, 0, 0, time.UTC), time.Time{}, "clock.why_release"},
		{"hours behind the last sync", right, right.Add(5 * time.Hour), ""},
		{"days behind the last sync", right, right.Add(72 * time.Hour), "clock.why_server"},
		{"ahead of the last sync", right, right.Add(-72 * time.Hour), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.server.IsZero() {
				if err := db.RecordServerTime(ctx, tt.server, right); err != nil {
					t.Fatal(err)
				}
			}
			doubt, err := DoubtClock(ctx, db, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := ""; doubt != nil && doubt.Reason != tt.reason || doubt == nil && tt.reason != "" {
				if doubt != nil {
					got = doubt.Reason
				}
				t.Fatalf("doubt %q, want %q", got, tt.reason)
			}
		})
	}
}

// TestPendingByTable: what changes waiting do, table by table: a new
// record's fields are part of it, and a table this version does not know
// is named.
func TestPendingByTable(t *testing.T) {
	h, m := syncengine.RowID{1}, syncengine.RowID{2}
	changes := []syncengine.Change{
		{Table: "households", Row: h, CL: 1}, {Table: "households", Row: h, Column: "head_name", CL: 1},
		{Table: "members", Row: m, Column: "full_name", CL: 1}, {Table: "members", Row: m, CL: 2},
		{Table: "livestock", Row: h, CL: 1},
	}
	got := PendingByTable(changes)
	want := []PendingTable{{"households", schema.Households, 1, 0, 0}, {"members", schema.Members, 0, 1, 1}, {"livestock", nil, 0, 0, 0}}
	if len(got) != len(want) {
		t.Fatalf("%+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestClockOff(t *testing.T) {
	server := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		now    time.Time
		server time.Time
		want   time.Duration
	}{
		{"within tolerance", server.Add(4 * time.Minute), server, 0},
		{"ahead", server.Add(3 * time.Hour), server, 3 * time.Hour},
		{"behind", server.Add(-2 * 24 * time.Hour), server, -2 * 24 * time.Hour},
		{"no server time", server, time.Time{}, 0},
	} {
		if got := ClockOff(c.now, c.server, 5*time.Minute); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
