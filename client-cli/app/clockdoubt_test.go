package app

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The laptop's clock cannot be right when it reads before this build was
// made, or more than a day before the server's time at the last sync.
func TestDoubtClock(t *testing.T) {
	ctx := context.Background()
	b := mustVisitBench(t, langEN)
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
				if err := b.db.RecordServerTime(ctx, tt.server, right); err != nil {
					t.Fatal(err)
				}
			}
			b.a.env.Now = func() time.Time { return tt.now }
			doubt, err := b.a.doubtClock(ctx, b.db)
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

// With a clock that cannot be right, the guided visit asks for its date,
// refuses one before 2000, and dates the visit by the one given.
func TestVisitNewAsksTheDateWhenTheClockCannotBeRight(t *testing.T) {
	ctx := context.Background()
	b := mustVisitBench(t, langEN)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	b.a.env.Now = func() time.Time { return time.Date(1980, 1, 1, 9, 0, 0, 0, time.UTC) }
	doubt, err := b.a.doubtClock(ctx, b.db)
	if err != nil || doubt == nil {
		t.Fatalf("doubt %v, %v: a clock at 1980 must be in doubt", doubt, err)
	}
	b.a.doubt = doubt
	screen := b.run(t, h, "damage_assessment",
		"01/01/1980", "", "03/12/2026", // 1980 refused, nothing asked again
		"Bão số 3 (Yagi)", "07/09/2024", "3", "1200,5", "", "0", "-", "25tr", "Mái tôn bay", "c")
	for _, want := range []string{"01/01/1980, which cannot be right", "before 2000-01-01"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not say %q:\n%s", want, screen)
		}
	}
	if got := b.query(t, `SELECT visit_date FROM visits WHERE household_id = ?`, h); len(got) != 1 || got[0] != "2026-12-03" {
		t.Fatalf("visit dated %v, want the date given", got)
	}
}
