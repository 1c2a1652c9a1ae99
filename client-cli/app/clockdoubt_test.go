package app

import (
	"context"
	"strings"
	"testing"
	"time"
)

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
