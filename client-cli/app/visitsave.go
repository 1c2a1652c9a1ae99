package app

import (
	"context"
	"fmt"
	"strings"

	"hodan/ops"
	"hodan/schema/poverty"
)

// save writes the visit and everything its answers target in one
// transaction (ops.SaveVisit), then says what it wrote.
func (fl *visitFlow) save(ctx context.Context, v *visitAnswers) error {
	saved, err := ops.SaveVisit(ctx, fl.db, fl.dev.Actor(), ops.Visit{Form: v.form, Household: v.household, Answers: v.answers}, fl.day())
	if err != nil {
		return err
	}
	return fl.printSaved(v, saved)
}

// preview shows the classification the answers would give, before saving.
func (fl *visitFlow) preview(v *visitAnswers) error {
	res, err := ops.Classify(v.form, v.answers, fl.day())
	if err != nil || res == nil {
		return err
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.poverty.preview"))
	fl.printPoverty(res)
	return nil
}

// printSaved says what a guided visit wrote.
func (fl *visitFlow) printSaved(v *visitAnswers, saved ops.VisitSaved) error {
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
		if m.ID == saved.MemberID {
			fmt.Fprintln(fl.out, fl.a.T("visit.saved.member", m.Name))
		}
	}
	if saved.Result != nil {
		fl.printPoverty(saved.Result)
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
