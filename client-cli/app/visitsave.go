package app

import (
	"context"
	"fmt"

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
	l := fl.a.lang
	fmt.Fprintln(fl.out, ops.PovertyResult(l, res))
	fmt.Fprintln(fl.out, ops.PovertyScores(l, res))
	fmt.Fprintln(fl.out, fl.a.T("visit.poverty.why"))
	for _, r := range ops.PovertyWhy(l, res) {
		fmt.Fprintln(fl.out, "  - "+r)
	}
}
