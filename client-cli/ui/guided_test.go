package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// mustHousehold records a household in the laptop of s, as its officer.
func mustHousehold(t testing.TB, s *site, values map[string]any) string {
	t.Helper()
	ctx := context.Background()
	dev, err := ops.LoadDevice(ctx, s.db)
	if err != nil {
		t.Fatal(err)
	}
	values[schema.ColCommuneCode] = lacLuong
	id, err := ops.AddRecord(ctx, s.db, dev.Actor(), schema.Households, values, ops.Day{Date: time.Now().Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// TestPovertyReview runs a poverty review in steps: the visit's date is
// today unless changed, the answers are kept after a step and offered
// again when the officer comes back, the review shows the classification
// and why before saving, and the save sets the household's status.
func TestPovertyReview(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	b := mustBrowser(t)
	s.open(t, b)

	b.Do(navigate(s.url + "/households/" + id))
	clickAndWait(t, b, "#visit")
	shot(t, b, "ui-visit-forms")
	clickAndWait(t, b, "#form-poverty_review")
	today := time.Now().Format("02/01/2006")
	if got := webtest.Eval[string](b, `document.querySelector("[name=visit_date]").value`); got != today {
		t.Errorf("the visit's date: %q, want today %s", got, today)
	}
	fill(t, b, map[string]string{"q_area": "rural", "q_members": "4", "q_income_vnd": "1.000.000"})
	shot(t, b, "ui-visit-step")
	clickAndWait(t, b, "#next")

	// The tab closes; the officer comes back to the household.
	b.Do(navigate(s.url + "/households/" + id))
	clickAndWait(t, b, ".drafts a")
	if got := b.Text("#step"); !strings.Contains(got, "2/4") {
		t.Fatalf("the form begun is offered again at %q, want step 2 of 4", got)
	}
	fill(t, b, deprivations("nutrition", "health_insurance", "housing_quality", "clean_water"))
	shot(t, b, "ui-visit-checklist")
	clickAndWait(t, b, "#next")
	fill(t, b, map[string]string{"q_housing_condition": "makeshift"})
	clickAndWait(t, b, "#next")

	poverty := b.Text("#poverty")
	if !strings.Contains(poverty, "Hộ nghèo") || len(texts(b, "#poverty li")) == 0 {
		t.Errorf("the review's classification and why: %q", poverty)
	}
	if answers := b.Text("dl.answers"); !strings.Contains(answers, "1.000.000 đ") || !strings.Contains(answers, today) {
		t.Errorf("the review's answers: %q", answers)
	}
	shot(t, b, "ui-poverty-review")
	clickAndWait(t, b, "#save-visit")
	if got := b.Text("#status"); got != "Hộ nghèo" {
		t.Errorf("the household's status after the review: %q", got)
	}
	if got := b.Text(".flash"); !strings.Contains(got, "Hộ nghèo") {
		t.Errorf("the flash after saving: %q", got)
	}
	shot(t, b, "readme-household") // README's screenshot
	rec, err := ops.Show(context.Background(), s.db, ops.Actor{}, func(syncengine.SiteID) string { return "" }, schema.Households, id)
	if err != nil || rec.Record[schema.ColPovertyStatus] != "poor" || rec.Record["dep_clean_water"] != true {
		t.Errorf("the household in the database: %v %v", rec.Record, err)
	}
	if drafts, err := ops.Drafts(context.Background(), s.db); err != nil || len(drafts) != 0 {
		t.Errorf("drafts left after saving: %v %v", drafts, err)
	}
	if n := count(t, s.db, schema.Visits); n != 1 {
		t.Errorf("%d visits, want 1", n)
	}
}

// TestPrestigeVisitOfTheHead: a prestige visit offers the head of a
// household with no member recorded; picked, the head is recorded as a
// member and a person of prestige.
func TestPrestigeVisitOfTheHead(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHeadBirthYear: int64(1950)})
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/households/" + id + "/visit"))
	clickAndWait(t, b, "#form-prestige_visit")
	if got := b.Text(".field fieldset"); !strings.Contains(got, "Lò Văn Sáu") {
		t.Fatalf("the head is not offered: %q", got)
	}
	fill(t, b, map[string]string{"q_member": ops.HeadMember, "q_is_prestige": "1", "q_occasion": "tet", "q_gift": "1", "q_gift_amount_vnd": "500.000"})
	shot(t, b, "ui-prestige-visit")
	clickAndWait(t, b, "#next")
	clickAndWait(t, b, "#save-visit")
	members := texts(b, "#members tbody th")
	if len(members) != 1 || !strings.Contains(members[0], "Lò Văn Sáu") || !strings.Contains(members[0], "Người có uy tín") {
		t.Errorf("the head after the visit: %q", members)
	}
}

// deprivations are the answers to a poverty review's 12 questions of
// deprivation: none deprived but those named.
func deprivations(deprived ...string) map[string]string {
	answers := map[string]string{}
	for _, q := range []string{"employment", "dependents", "nutrition", "health_insurance", "adult_education", "child_schooling",
		"housing_quality", "housing_area", "clean_water", "hygienic_toilet", "telecom", "information_access"} {
		answers["q_dep_"+q] = "0"
	}
	for _, q := range deprived {
		answers["q_dep_"+q] = "1"
	}
	return answers
}
