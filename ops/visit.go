package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/internal/i18n"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/schema/forms"
	"hodan/schema/poverty"
	"hodan/syncengine"
)

// A guided visit is a form of schema/forms answered for a household: a
// front end asks the questions (the CLI one at a time in the terminal, the
// web app on a page) and SaveVisit writes the visit and every record its
// answers target, in one transaction.

// VisitHousehold is a household a visit can be for, as a guided visit
// shows it.
type VisitHousehold struct {
	ID, Head, Number, Village, Commune string
}

// Describe is the household for people, in l: its head, village and
// number said as one ("hộ số 12").
func (h VisitHousehold) Describe(l i18n.Lang) string {
	parts := []string{h.Head}
	if h.Village != "" {
		parts = append(parts, h.Village)
	}
	if h.Number != "" {
		parts = append(parts, i18n.T(l, "findings.household_number", h.Number))
	}
	return SafeText(strings.Join(parts, ", "))
}

// VisitMember is a member of the visited household.
type VisitMember struct {
	ID, Name, Relation string
	BirthYear          int64
}

// VisitHouseholds lists the shown households of who's communes, by their
// heads' names.
func VisitHouseholds(ctx context.Context, db *syncengine.DB, who Actor) ([]VisitHousehold, error) {
	rows, err := db.SQL().QueryContext(ctx, `
SELECT h.id, h.head_name, COALESCE(h.household_number, ''), COALESCE(v.name, ''), h.commune_code
FROM households h LEFT JOIN villages v ON v.id = h.village_id
WHERE h.merged_into IS NULL ORDER BY h.head_name, h.id`)
	if err != nil {
		return nil, fmt.Errorf("list households: %w", err)
	}
	defer rows.Close()
	var out []VisitHousehold
	for rows.Next() {
		var h VisitHousehold
		if err := rows.Scan(&h.ID, &h.Head, &h.Number, &h.Village, &h.Commune); err != nil {
			return nil, fmt.Errorf("read households: %w", err)
		}
		if who.InScope(h.Commune) {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}

// FindVisitHousehold finds, among all, the household ref names (its id, or
// the beginning of it).
func FindVisitHousehold(db *syncengine.DB, all []VisitHousehold, ref string) (VisitHousehold, error) {
	id, err := ResolveID(db.SQL(), schema.Households, ref)
	if err != nil {
		return VisitHousehold{}, err
	}
	for _, h := range all {
		if h.ID == id.String() {
			return h, nil
		}
	}
	return VisitHousehold{}, fail("visit.no_household", ref)
}

// SearchVisitHouseholds keeps the households of all whose head's name holds
// text, typed with or without diacritics (reconcile.Fold).
func SearchVisitHouseholds(all []VisitHousehold, text string) []VisitHousehold {
	needle := reconcile.Fold(text)
	var found []VisitHousehold
	for _, h := range all {
		if strings.Contains(reconcile.Fold(h.Head), needle) {
			found = append(found, h)
		}
	}
	return found
}

// VisitMembers lists a household's members, oldest first, their names
// safe to show.
func VisitMembers(ctx context.Context, db *syncengine.DB, household string) ([]VisitMember, error) {
	rows, err := db.SQL().QueryContext(ctx, `
SELECT id, full_name, COALESCE(relation, ''), COALESCE(birth_year, 0) FROM members
WHERE household_id = ? ORDER BY COALESCE(birth_year, 9999), id`, household)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []VisitMember
	for rows.Next() {
		var m VisitMember
		if err := rows.Scan(&m.ID, &m.Name, &m.Relation, &m.BirthYear); err != nil {
			return nil, fmt.Errorf("read members: %w", err)
		}
		m.Name = SafeText(m.Name) // shown, never written back
		out = append(out, m)
	}
	return out, rows.Err()
}

// Visit is a guided visit answered: the form, the household, the answers,
// and the draft they were kept in (Draft, "" for none), which the save
// deletes.
type Visit struct {
	Form      *forms.Form
	Household VisitHousehold
	Answers   forms.Answers
	Draft     string
}

// VisitSaved is what a guided visit wrote.
type VisitSaved struct {
	VisitID   string         `json:"visit_id"`
	SupportID string         `json:"support_id,omitempty"`
	DamageID  string         `json:"damage_id,omitempty"`
	MemberID  string         `json:"member_id,omitempty"`
	Poverty   map[string]any `json:"poverty,omitempty"`
	Changes   int            `json:"changes"`
	// Result is the household's poverty classification, for a form that
	// computes it; nil for any other.
	Result *poverty.Result `json:"-"`
}

// SaveVisit writes v, a visit made by who on day (YYYY-MM-DD), and
// everything its answers target — the household's fields, a support or
// damage record of the visit, a member's fields, and for a poverty review
// the household's classification under the standard in force on day — in
// one transaction.
func SaveVisit(ctx context.Context, db *syncengine.DB, who Actor, v Visit, day string) (VisitSaved, error) {
	rows := v.Form.Rows(v.Answers)
	res, err := Classify(v.Form, v.Answers, day)
	if err != nil {
		return VisitSaved{}, err
	}
	record := map[string]any{"form_id": v.Form.ID, "form_version": v.Form.Version, "answers": v.Form.Kept(v.Answers)}
	if res != nil {
		record["poverty"] = PovertyJSON(res)
		for col, val := range povertyColumns(res, day) {
			if rows[schema.Households.Name] == nil {
				rows[schema.Households.Name] = map[string]any{}
			}
			rows[schema.Households.Name][col] = val
		}
	}
	answers, err := json.Marshal(record)
	if err != nil {
		return VisitSaved{}, fmt.Errorf("encode answers: %w", err)
	}
	visit := rows[schema.Visits.Name]
	visit[schema.ColHouseholdID], visit[schema.ColPurpose], visit[schema.ColAnswers] = v.Household.ID, v.Form.Purpose, string(answers)
	visit[schema.ColFormID], visit[schema.ColFormVersion] = v.Form.ID, int64(v.Form.Version)
	saved, err := writeVisit(ctx, db, who, v, rows, day)
	if err != nil {
		return saved, err
	}
	if res != nil {
		saved.Poverty, saved.Result = record["poverty"].(map[string]any), res
	}
	return saved, nil
}

// writeVisit is the one transaction of a guided visit.
func writeVisit(ctx context.Context, db *syncengine.DB, who Actor, v Visit, rows map[string]map[string]any, day string) (VisitSaved, error) {
	var saved VisitSaved
	if err := ApplyDefaults(who, schema.Visits, rows[schema.Visits.Name], day); err != nil {
		return saved, err
	}
	if err := schema.Visits.CheckInsert(rows[schema.Visits.Name]); err != nil {
		return saved, err
	}
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		hid := uuid.MustParse(v.Household.ID)
		scope, err := ownRow(tx, who, schema.Households, hid)
		if err != nil {
			return err
		}
		vid, err := tx.Insert(schema.Visits.Name, rows[schema.Visits.Name])
		if err != nil {
			return err
		}
		saved.VisitID = vid.String()
		if err := updateRow(tx, schema.Households, hid, rows[schema.Households.Name]); err != nil {
			return err
		}
		if saved.SupportID, err = insertChild(tx, schema.SupportRecords, rows, v.Household.ID, saved.VisitID, scope); err != nil {
			return err
		}
		if saved.DamageID, err = insertChild(tx, schema.DamageReports, rows, v.Household.ID, saved.VisitID, scope); err != nil {
			return err
		}
		if err := updateMember(tx, v, rows[schema.Members.Name], &saved); err != nil {
			return err
		}
		saved.Changes = tx.Changes()
		return deleteDraftIn(tx, v.Draft)
	})
	return saved, err
}

// updateRow checks and writes values to a row, if there are any.
func updateRow(tx *syncengine.Tx, t *schema.Table, id uuid.UUID, values map[string]any) error {
	if len(values) == 0 {
		return nil
	}
	if err := t.CheckUpdate(values); err != nil {
		return err
	}
	return tx.Update(t.Name, id, values)
}

// insertChild inserts the visit's row of a child table, if the answers
// wrote one, and returns its id.
func insertChild(tx *syncengine.Tx, t *schema.Table, rows map[string]map[string]any, household, visit, scope string) (string, error) {
	values := rows[t.Name]
	if values == nil {
		return "", nil
	}
	values[schema.ColHouseholdID], values[schema.ColVisitID] = household, visit
	if err := t.CheckInsert(values); err != nil {
		return "", err
	}
	if err := CheckRefs(tx, t, values, scope); err != nil {
		return "", err
	}
	id, err := tx.Insert(t.Name, values)
	return id.String(), err
}

// updateMember writes the picked member's columns; the head picked as
// HeadMember is first recorded as a member of the household.
func updateMember(tx *syncengine.Tx, v Visit, values map[string]any, saved *VisitSaved) error {
	id, ok := v.Form.MemberID(v.Answers)
	if !ok {
		return nil
	}
	if id == HeadMember {
		head, err := addHeadMember(tx, v.Household.ID)
		if err != nil {
			return err
		}
		id = head
	}
	saved.MemberID = id
	if _, err := liveRow(tx, schema.Members.Name, id); err != nil {
		return err
	}
	return updateRow(tx, schema.Members, uuid.MustParse(id), values)
}

// Classify classifies the household by the poverty standard in force on
// day (YYYY-MM-DD), from the answers to form, for a form that computes it;
// nil for any other form.
func Classify(form *forms.Form, answers forms.Answers, day string) (*poverty.Result, error) {
	if form.Computes != forms.ComputePoverty {
		return nil, nil
	}
	date, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return nil, fmt.Errorf("review date: %w", err)
	}
	std, err := poverty.Standards().InForce(date)
	if err != nil {
		return nil, err
	}
	area, _ := answers["area"].(string)
	members, _ := answers["members"].(int64)
	income, _ := answers["income_vnd"].(int64)
	deprived := map[string]bool{}
	for _, ind := range std.Indicators {
		for _, q := range form.Questions {
			if q.Target == schema.Households.Name+"."+ind.Column && answers[q.ID] == true {
				deprived[ind.Code] = true
			}
		}
	}
	res, err := std.Classify(poverty.Review{Area: poverty.Area(area), IncomeVND: income, Members: members, Deprived: deprived, Date: date})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// povertyColumns are the household's poverty columns a review sets.
func povertyColumns(res *poverty.Result, day string) map[string]any {
	year, _ := time.Parse(time.DateOnly, day)
	return map[string]any{
		schema.ColPovertyStatus: string(res.Status), schema.ColPovertyStandard: res.Standard.ID,
		schema.ColPovertyYear: int64(year.Year()), schema.ColIncomeScore: int64(res.ScoreA), schema.ColDeprivationScore: int64(res.ScoreB),
	}
}

// PovertyJSON is a classification as a visit's answers keep it.
func PovertyJSON(res *poverty.Result) map[string]any {
	var codes []string
	for _, ind := range res.Deprived {
		codes = append(codes, ind.Code)
	}
	return map[string]any{
		"standard": res.Standard.ID, "area": string(res.Area), "status": string(res.Status),
		"income_per_person_vnd": res.IncomePerPersonVND, "line_vnd": res.Line.IncomeVND,
		"score_a": res.ScoreA, "score_a_line": res.Line.ScoreA, "score_b": res.ScoreB,
		"score_b_min": res.Standard.PoorMinScoreB, "deprived": codes,
	}
}
