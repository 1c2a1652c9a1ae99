package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/schema/forms"
	"hodan/schema/poverty"
	"hodan/syncengine"
)

// visitSaved is what a guided visit wrote, as --json prints it.
type visitSaved struct {
	VisitID   string         `json:"visit_id"`
	SupportID string         `json:"support_id,omitempty"`
	DamageID  string         `json:"damage_id,omitempty"`
	MemberID  string         `json:"member_id,omitempty"`
	Poverty   map[string]any `json:"poverty,omitempty"`
	Changes   int            `json:"changes"`
}

// save writes the visit and everything its answers target in one
// transaction, then says what it wrote.
func (fl *visitFlow) save(ctx context.Context, v *visitAnswers) error {
	today := fl.day()
	rows := v.form.Rows(v.answers)
	res, err := v.classify(today)
	if err != nil {
		return err
	}
	record := map[string]any{"form_id": v.form.ID, "form_version": v.form.Version, "answers": v.form.Kept(v.answers)}
	if res != nil {
		record["poverty"] = povertyJSON(res)
		for col, val := range povertyColumns(res, today) {
			if rows["households"] == nil {
				rows["households"] = map[string]any{}
			}
			rows["households"][col] = val
		}
	}
	answers, err := json.Marshal(record)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	visit := rows["visits"]
	visit["household_id"], visit["purpose"], visit["answers"] = v.household.id, v.form.Purpose, string(answers)
	visit["form_id"], visit["form_version"] = v.form.ID, int64(v.form.Version)
	saved, err := fl.write(ctx, v, rows, today)
	if err != nil {
		return err
	}
	if res != nil {
		saved.Poverty = record["poverty"].(map[string]any)
	}
	return fl.printSaved(v, saved, res)
}

// write is the one transaction of a guided visit.
func (fl *visitFlow) write(ctx context.Context, v *visitAnswers, rows map[string]map[string]any, today string) (visitSaved, error) {
	var saved visitSaved
	visits := schema.Visits
	if err := applyDefaults(fl.dev, visits, rows["visits"], today); err != nil {
		return saved, err
	}
	if err := visits.CheckInsert(rows["visits"]); err != nil {
		return saved, err
	}
	err := fl.db.Write(ctx, func(tx *syncengine.Tx) error {
		hid := uuid.MustParse(v.household.id)
		scope, err := ownRow(tx, fl.dev, schema.Households, hid)
		if err != nil {
			return err
		}
		vid, err := tx.Insert("visits", rows["visits"])
		if err != nil {
			return err
		}
		saved.VisitID = vid.String()
		if err := updateRow(tx, schema.Households, hid, rows[schema.Households.Name]); err != nil {
			return err
		}
		if saved.SupportID, err = insertChild(tx, schema.SupportRecords, rows, v.household.id, saved.VisitID, scope); err != nil {
			return err
		}
		if saved.DamageID, err = insertChild(tx, schema.DamageReports, rows, v.household.id, saved.VisitID, scope); err != nil {
			return err
		}
		if err := fl.updateMember(tx, v, rows["members"], &saved); err != nil {
			return err
		}
		saved.Changes = tx.Changes()
		return nil
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
	if err := checkRefs(tx, t, values, scope); err != nil {
		return "", err
	}
	id, err := tx.Insert(t.Name, values)
	return id.String(), err
}

// updateMember writes the picked member's columns.
func (fl *visitFlow) updateMember(tx *syncengine.Tx, v *visitAnswers, values map[string]any, saved *visitSaved) error {
	id, ok := v.form.MemberID(v.answers)
	if !ok {
		return nil
	}
	saved.MemberID = id
	if _, err := liveRow(tx, "members", id); err != nil {
		return err
	}
	return updateRow(tx, schema.Members, uuid.MustParse(id), values)
}

// classify classifies the household by the poverty standard in force on
// day, for a form that computes it; nil for any other form.
func (v *visitAnswers) classify(day string) (*poverty.Result, error) {
	if v.form.Computes != forms.ComputePoverty {
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
	area, _ := v.answers["area"].(string)
	members, _ := v.answers["members"].(int64)
	income, _ := v.answers["income_vnd"].(int64)
	deprived := map[string]bool{}
	for _, ind := range std.Indicators {
		for _, q := range v.form.Questions {
			if q.Target == "households."+ind.Column && v.answers[q.ID] == true {
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
		"poverty_status": string(res.Status), "poverty_standard": res.Standard.ID,
		"poverty_year": int64(year.Year()), "income_score": int64(res.ScoreA), "deprivation_score": int64(res.ScoreB),
	}
}

// povertyJSON is the classification as the visit's answers keep it.
func povertyJSON(res *poverty.Result) map[string]any {
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

// preview shows the classification the answers would give, before saving.
func (fl *visitFlow) preview(v *visitAnswers) error {
	res, err := v.classify(fl.day())
	if err != nil || res == nil {
		return err
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.poverty.preview"))
	fl.printPoverty(res)
	return nil
}

// printSaved says what a guided visit wrote.
func (fl *visitFlow) printSaved(v *visitAnswers, saved visitSaved, res *poverty.Result) error {
	if fl.a.json {
		return printJSON(fl.result, saved)
	}
	fmt.Fprintln(fl.out, "\n"+fl.a.T("visit.saved", saved.VisitID, saved.Changes))
	if saved.SupportID != "" {
		fmt.Fprintln(fl.out, fl.a.T("visit.saved.support", saved.SupportID))
	}
	if saved.DamageID != "" {
		fmt.Fprintln(fl.out, fl.a.T("visit.saved.damage", saved.DamageID))
	}
	for _, m := range v.members {
		if m.id == saved.MemberID {
			fmt.Fprintln(fl.out, fl.a.T("visit.saved.member", m.name))
		}
	}
	if res != nil {
		fl.printPoverty(res)
	}
	return nil
}

// printPoverty shows a classification and why.
func (fl *visitFlow) printPoverty(res *poverty.Result) {
	a, l := fl.a, fl.lang()
	fmt.Fprintln(fl.out, a.T("visit.poverty.result", a.T(msgKey("visit.poverty.status", string(res.Status))), res.Standard.Name.In(l)))
	fmt.Fprintln(fl.out, a.T("visit.poverty.scores", res.ScoreA, res.Line.ScoreA, res.ScoreB, res.Standard.PoorMinScoreB))
	fmt.Fprintln(fl.out, a.T("visit.poverty.why"))
	for _, r := range res.Reasons {
		fmt.Fprintln(fl.out, "  - "+fl.reason(res, r))
	}
}

// reason puts one step of the poverty rule into words.
func (fl *visitFlow) reason(res *poverty.Result, r poverty.Reason) string {
	a := fl.a
	area := a.T(msgKey("visit.poverty.area", string(res.Area)))
	var names []string
	for _, ind := range r.Indicators {
		names = append(names, strings.ToLower(ind.Name.In(fl.lang())))
	}
	list := strings.Join(names, ", ")
	switch r.Kind {
	case poverty.IncomeAtOrUnderLine:
		return a.T("visit.poverty.reason.income_at_or_under_line", a.vnd(r.IncomeVND), area, a.vnd(r.LimitVND))
	case poverty.IncomeInMediumBand:
		return a.T("visit.poverty.reason.income_in_medium_band", a.vnd(r.IncomeVND), area, a.vnd(res.Line.IncomeVND), a.vnd(r.LimitVND))
	case poverty.IncomeOverMediumBand:
		return a.T("visit.poverty.reason.income_over_medium_band", a.vnd(r.IncomeVND), area, a.vnd(r.LimitVND))
	case poverty.DeprivationsAtOrOverMin:
		return a.T("visit.poverty.reason.deprivations_at_or_over_min", r.Count, r.Of, r.ScoreB, r.MinB, list)
	}
	if r.Count == 0 {
		return a.T("visit.poverty.reason.no_deprivations", r.Of, r.MinB)
	}
	return a.T("visit.poverty.reason.deprivations_under_min", r.Count, r.Of, r.ScoreB, r.MinB, list)
}
