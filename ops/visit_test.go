package ops

import (
	"context"
	"strings"
	"testing"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/schema/forms"
)

// TestSaveVisitPovertyReview saves a poverty review as a front end would
// after asking its questions: the visit is dated and signed by the
// officer, the household takes the classification and the deprivations
// answered, and a household of another commune is refused.
func TestSaveVisitPovertyReview(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Bùi Văn Thảo"})
	all, err := VisitHouseholds(ctx, db, officer)
	if err != nil {
		t.Fatal(err)
	}
	hh, err := FindVisitHousehold(db, SearchVisitHouseholds(all, "bui van thao"), h[:18])
	if err != nil {
		t.Fatal(err)
	}
	form, ok := forms.All().ByID("poverty_review")
	if !ok {
		t.Fatal("no poverty review form")
	}
	answers := forms.Answers{"area": "rural", "members": int64(4), "income_vnd": int64(24_000_000)}
	for _, q := range form.Questions {
		if strings.HasPrefix(q.ID, "dep_") {
			answers[q.ID] = q.ID == "dep_clean_water" || q.ID == "dep_hygienic_toilet"
		}
	}
	saved, err := SaveVisit(ctx, db, officer, Visit{Form: form, Household: hh, Answers: answers}, "2026-05-12")
	if err != nil || saved.Result == nil {
		t.Fatalf("save: %+v, %v", saved, err)
	}
	got := mustShow(t, db, schema.Households, h)
	if got["poverty_status"] != string(saved.Result.Status) || got["poverty_standard"] != saved.Result.Standard.ID ||
		got["poverty_year"] != int64(2026) || got["dep_clean_water"] != true || got["dep_telecom"] != false {
		t.Errorf("the household after the review: %v; want the classification %s and the deprivations answered", got, saved.Result.Status)
	}
	visit := mustShow(t, db, schema.Visits, saved.VisitID)
	if visit["officer"] != officer.Officer || visit["visit_date"] != "2026-05-12" || visit["purpose"] != "poverty_review" ||
		!strings.Contains(visit["answers"].(string), `"poverty"`) {
		t.Errorf("the visit: %v", visit)
	}
	other := Actor{Officer: "Hà Văn Sáu", Communes: []string{camGiang}}
	if _, err := SaveVisit(ctx, db, other, Visit{Form: form, Household: hh, Answers: answers}, "2026-05-12"); !strings.Contains(Explain(i18n.EN, err), "not one of this laptop's") {
		t.Errorf("a visit of another commune's household: %v", err)
	}
}
