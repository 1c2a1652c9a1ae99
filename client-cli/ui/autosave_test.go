package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
)

// TestStepKeptAsTyped: what the officer types at a step of a visit is
// kept on the laptop as it is typed, before Next is pressed: the tab
// closed mid-step, the form begun comes back with it.
func TestStepKeptAsTyped(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/households/" + id))
	clickAndWait(t, b, "#visit")
	clickAndWait(t, b, "#form-poverty_review")
	fill(t, b, map[string]string{"q_members": "7"})
	webtest.Eval[bool](b, `document.querySelector("[name=q_members]").dispatchEvent(new Event("change", {bubbles: true}))`)

	// Wait until the laptop keeps it, or long enough to say it never does.
	var draft ops.Draft
	for deadline := time.Now().Add(10 * time.Second); draft.Answers["members"] != "7"; {
		drafts, err := ops.Drafts(context.Background(), s.db)
		if err != nil || len(drafts) != 1 {
			t.Fatalf("drafts: %v, %v", drafts, err)
		}
		if draft = drafts[0]; time.Now().After(deadline) {
			t.Fatalf("the answer typed is not kept: %v", draft.Answers)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Do(navigate(s.url + "/households/" + id)) // the tab closes; the officer comes back
	clickAndWait(t, b, ".drafts a")
	if got := webtest.Eval[string](b, `document.querySelector("[name=q_members]").value`); got != "7" {
		t.Errorf("the form begun comes back with %q, want 7", got)
	}
	if got := b.Text("#step"); !strings.Contains(got, "1/") {
		t.Errorf("the form begun comes back at %q, want its first step", got)
	}
}
