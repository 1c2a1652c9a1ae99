package ops

import (
	"context"
	"errors"
	"testing"
	"time"

	"hodan/schema"
	"hodan/schema/forms"
)

// TestVisitFromADraftSavedOnce: a draft saved as a visit, then saved
// again (a second tab, a second click that read the draft before the
// first save ended), is refused the second time with ErrNoDraft and
// writes no second visit.
func TestVisitFromADraftSavedOnce(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Văn Sáu"})
	form, _ := forms.All().ByID("damage_assessment")
	d := &Draft{HouseholdID: h, FormID: form.ID, FormVersion: form.Version, Answers: map[string]string{}}
	if err := SaveDraft(ctx, db, d, time.Date(2026, 5, 12, 9, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	all, _ := VisitHouseholds(ctx, db, officer)
	visit := Visit{Form: form, Household: all[0], Answers: forms.Answers{"event": "Bão Yagi", "house_damage": "partial"}, Draft: d.ID}
	if _, err := SaveVisit(ctx, db, officer, visit, "2026-05-12"); err != nil {
		t.Fatal(err)
	}
	if _, err := SaveVisit(ctx, db, officer, visit, "2026-05-12"); !errors.Is(err, ErrNoDraft) {
		t.Errorf("the same draft saved again: %v, want ErrNoDraft", err)
	}
	if visits, err := List(ctx, db, schema.Visits, ListQuery{Of: h}); err != nil || len(visits) != 1 {
		t.Errorf("visits: %d, %v; want the one saved", len(visits), err)
	}
}
