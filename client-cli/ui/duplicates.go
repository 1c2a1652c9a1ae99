package ui

import (
	"context"
	"net/http"
	"strconv"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
)

// duplicatesPage is the pairs of households that may be one family
// registered twice, each pair side by side.
type duplicatesPage struct {
	Pairs []pairView
}

// pairView is a pair: how alike, why, and both households.
type pairView struct {
	Score   string
	Reasons string
	Sides   [2]pairSide
}

// pairSide is one household of a pair, with what tells it from the other.
type pairSide struct {
	ID, Other, Name, Link string
	Fields                []labelled
	Records               []string // how many members, visits, … it has
}

func (a *App) duplicates(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	pairs, err := ops.Duplicates(ctx, a.cfg.DB, v.who(), 0)
	if err != nil {
		return err
	}
	var p duplicatesPage
	for _, pair := range pairs {
		pv := pairView{Score: i18n.Number(v.lang, schema.FormatFixed(pair.Score, 2))}
		for i, reason := range pair.Reasons {
			if i > 0 {
				pv.Reasons += ", "
			}
			pv.Reasons += reconcile.ReasonText(v.lang, reason)
		}
		for i, h := range []reconcile.Household{pair.A, pair.B} {
			other := pair.B.ID
			if i == 1 {
				other = pair.A.ID
			}
			if pv.Sides[i], err = a.pairSide(ctx, v, h, other); err != nil {
				return err
			}
		}
		p.Pairs = append(p.Pairs, pv)
	}
	return a.render(w, r, "duplicates", "/duplicates", p)
}

// pairSide says household h of a pair whose other household is other.
func (a *App) pairSide(ctx context.Context, v *visit, h reconcile.Household, other string) (pairSide, error) {
	w := words{l: v.lang}
	t := schema.Households
	s := pairSide{ID: h.ID, Other: other, Name: ops.SafeText(h.HeadName), Link: "/households/" + h.ID}
	add := func(col, value string) {
		if value != "" {
			s.Fields = append(s.Fields, labelled{w.label(t, col), value})
		}
	}
	if h.HeadBirthYear != nil {
		add(schema.ColHeadBirthYear, strconv.Itoa(*h.HeadBirthYear))
	}
	for _, cv := range [][2]string{{"head_sex", h.HeadSex}, {schema.ColEthnicityCode, h.EthnicityCode}} {
		if c, _ := t.Column(cv[0]); cv[1] != "" {
			add(cv[0], w.value(c, cv[1]))
		}
	}
	add(schema.ColHouseholdNumber, ops.SafeText(h.HouseholdNumber))
	add(schema.ColVillageID, ops.SafeText(h.Village))
	add(schema.ColPhone, ops.SafeText(h.Phone))
	for _, child := range []*schema.Table{schema.Members, schema.Visits, schema.SupportRecords} {
		rows, err := ops.List(ctx, a.cfg.DB, child, ops.ListQuery{Of: h.ID})
		if err != nil {
			return s, err
		}
		s.Records = append(s.Records, i18n.Count(v.lang, len(rows), "ui.count."+child.Name))
	}
	return s, nil
}

// merge merges a pair: the household the officer kept takes the other's
// records and the fields it lacks (ops.MergeHouseholds).
func (a *App) merge(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	keep, drop := r.PostFormValue("keep"), r.PostFormValue("drop")
	keepName, dropName := a.householdName(ctx, v.lang, keep), a.householdName(ctx, v.lang, drop)
	m, err := ops.MergeHouseholds(ctx, a.cfg.DB, v.who(), keep, drop)
	if err != nil {
		return a.redirect(w, r, "/duplicates", failed("ui.flash.failed", explain(v.lang, err)))
	}
	return a.redirect(w, r, "/households/"+m.Kept.String(), done("ui.flash.merged", dropName, keepName, i18n.Count(v.lang, m.Moved, "count.record")))
}
