package ops

import (
	"context"
	"testing"

	"hodan/schema"
	"hodan/schema/forms"
)

// TestHeadChosenAsPersonOfPrestige: a household whose head is not among
// its members offers the head first; picked, the head is recorded as a
// member from the household's columns and marked a person of prestige,
// and is then offered as that member, not twice.
func TestHeadChosenAsPersonOfPrestige(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Bùi Văn Thao", "head_birth_year": int64(1960), "head_sex": "male", "ethnicity_code": "06"})
	mustAdd(t, db, officer, "members", map[string]any{"household_id": h, "full_name": "Bùi Thị Hoa", "birth_year": int64(1965), "relation": "spouse"})
	all, _ := VisitHouseholds(ctx, db, officer)
	hh := all[0]
	got, err := VisitCandidates(ctx, db, hh)
	if err != nil || len(got) != 2 || got[0].ID != HeadMember || got[0].Name != "Bùi Văn Thao" || got[0].BirthYear != 1960 {
		t.Fatalf("candidates: %+v, %v; want the head first, then the wife", got, err)
	}
	form, _ := forms.All().ByID("prestige_visit")
	answers := forms.Answers{"member": HeadMember, "is_prestige": true, "occasion": form.Questions[2].Choices[0].Value, "gift": false}
	saved, err := SaveVisit(ctx, db, officer, Visit{Form: form, Household: hh, Answers: answers}, "2026-05-12")
	if err != nil || saved.MemberID == "" || saved.MemberID == HeadMember {
		t.Fatalf("save: %+v, %v", saved, err)
	}
	head := mustShow(t, db, schema.Members, saved.MemberID)
	if head["full_name"] != "Bùi Văn Thao" || head["relation"] != "head" || head["birth_year"] != int64(1960) ||
		head["sex"] != "male" || head["ethnicity_code"] != "06" || head["is_prestige"] != true || head["household_id"] != h {
		t.Errorf("the head recorded as a member: %v", head)
	}
	again, err := VisitCandidates(ctx, db, hh)
	if err != nil || len(again) != 2 || again[0].ID != saved.MemberID {
		t.Errorf("candidates after: %+v, %v; want the head as the member recorded, and the wife", again, err)
	}
}
