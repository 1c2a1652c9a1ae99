package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
)

// TestVisitSavedFromTwoTabs: the review of a visit open in two tabs is
// saved in the first, then in the second: one visit is written, and the
// second goes to the household's page saying the visit was saved
// already, not to a page saying "not found".
func TestVisitSavedFromTwoTabs(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	form, _ := forms.All().ByID("damage_assessment")
	d := &ops.Draft{HouseholdID: id, FormID: form.ID, FormVersion: form.Version, Date: time.Now().Format("02/01/2006"),
		Answers: map[string]string{"event": "Bão Yagi", "house_damage": "partial"}, Step: 99}
	if err := ops.SaveDraft(context.Background(), s.db, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := s.client(t)
	review := "/drafts/" + d.ID
	first, second := s.hiddenOf(t, c, review), s.hiddenOf(t, c, review)
	if resp := s.post(t, c, review+"/save", first, nil); resp.Header.Get("Location") != "/households/"+id {
		t.Fatalf("the first tab's save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp := s.post(t, c, review+"/save", second, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/households/"+id {
		t.Errorf("the second tab's save: %d to %q, want 303 to the household", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := count(t, s.db, schema.Visits); n != 1 {
		t.Errorf("%d visits, want 1", n)
	}
	if page := s.get(t, c, "/households/"+id); !strings.Contains(page, "đã được lưu") {
		t.Errorf("the household's page does not say the visit was saved already")
	}
}
