package ops

import (
	"context"
	"errors"
	"testing"
	"time"

	"hodan/schema"
	"hodan/schema/forms"
)

// TestDraftKeptUntilTheVisitIsSaved: a guided visit's answers are kept
// after a step, read back as typed, replaced by the next step's, and
// deleted in the transaction that saves the visit.
func TestDraftKeptUntilTheVisitIsSaved(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Văn Sáu"})
	form, _ := forms.All().ByID("damage_assessment")
	d := &Draft{HouseholdID: h, FormID: form.ID, FormVersion: form.Version, Date: "12/05/2026",
		Answers: map[string]string{"event": "Bão Yagi"}, Step: 1}
	at := time.Date(2026, 5, 12, 9, 30, 0, 0, time.UTC)
	if err := SaveDraft(ctx, db, d, at); err != nil || d.ID == "" {
		t.Fatalf("keep the draft: %v (id %q)", err, d.ID)
	}
	d.Answers["house_damage"], d.Step = "partial", 2
	if err := SaveDraft(ctx, db, d, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := LoadDraft(ctx, db, d.ID)
	if err != nil || got.Answers["event"] != "Bão Yagi" || got.Answers["house_damage"] != "partial" || got.Step != 2 ||
		got.Date != "12/05/2026" || !got.Updated.Equal(at.Add(time.Minute)) {
		t.Fatalf("the draft read back: %+v, %v", got, err)
	}
	if all, err := Drafts(ctx, db); err != nil || len(all) != 1 {
		t.Fatalf("drafts: %+v, %v; want the one, replaced", all, err)
	}
	all, _ := VisitHouseholds(ctx, db, officer)
	answers := forms.Answers{"event": "Bão Yagi", "house_damage": "partial"}
	if _, err := SaveVisit(ctx, db, officer, Visit{Form: form, Household: all[0], Answers: answers, Draft: d.ID}, "2026-05-12"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDraft(ctx, db, d.ID); !errors.Is(err, ErrNoDraft) {
		t.Errorf("the draft after its visit was saved: %v, want ErrNoDraft", err)
	}
	visits, err := List(ctx, db, schema.Visits, ListQuery{Of: h})
	if err != nil || len(visits) != 1 {
		t.Errorf("visits: %d, %v; want the one saved", len(visits), err)
	}
}

// TestDraftStaysWhenTheVisitFails: a visit refused by the rules writes
// nothing, and its draft is kept for the officer to fix.
func TestDraftStaysWhenTheVisitFails(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Văn Sáu"})
	form, _ := forms.All().ByID("damage_assessment")
	all, _ := VisitHouseholds(ctx, db, officer)
	d := &Draft{HouseholdID: all[0].ID, FormID: form.ID, FormVersion: form.Version, Answers: map[string]string{}}
	if err := SaveDraft(ctx, db, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	other := Actor{Officer: "Hà Văn Sáu", Communes: []string{camGiang}}
	answers := forms.Answers{"event": "Bão Yagi", "house_damage": "partial"}
	if _, err := SaveVisit(ctx, db, other, Visit{Form: form, Household: all[0], Answers: answers, Draft: d.ID}, "2026-05-12"); err == nil {
		t.Fatal("a visit of another commune's household was saved")
	}
	if _, err := LoadDraft(ctx, db, d.ID); err != nil {
		t.Errorf("the draft after a refused save: %v, want it kept", err)
	}
}
