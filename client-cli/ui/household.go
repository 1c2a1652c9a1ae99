package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/schema/forms"
)

// householdPage is a household with everything recorded for it.
type householdPage struct {
	ID, Name    string
	Where       []string // its number, village and commune
	Status      string   // poverty status, said
	StatusValue string
	Housing     string
	Fields      []labelled
	Deprived    []string
	Tables      []recordTable
	Repeats     []repeatView
	Drafts      []draftView
	Orphan      *orphanView
	Forms       []formView
}

// labelled is a label and a value, for a list of a record's fields.
type labelled struct{ Label, Value string }

// recordTable is the records of one table of a household.
type recordTable struct {
	Table, Title, Add, Empty string
	Columns                  []string
	Rows                     []recordRow
}

// recordRow is one record of a recordTable: its cells, the first linking
// to the record.
type recordRow struct {
	ID    string
	Cells []string
	Note  string // beside the first cell: a person of prestige
}

// formView is a guided form the household can be visited with.
type formView struct{ ID, Title, Intro string }

// household shows a household: its fields, its members, visits, support
// and damage, the support it received too often, the visits begun on it,
// and whether it waits to be settled.
func (a *App) household(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx, t := r.Context(), schema.Households
	shown, err := ops.Show(ctx, a.cfg.DB, v.who(), a.namer(ctx, v), t, r.PathValue("id"))
	if err != nil {
		return err
	}
	rec := shown.Record
	words, err := a.words(ctx, v.lang)
	if err != nil {
		return err
	}
	s := words.record(t, rec)
	p := householdPage{ID: rec["id"].(string), Name: s[schema.ColHeadName], Status: s[schema.ColPovertyStatus], Housing: s["housing_condition"]}
	p.StatusValue, _ = rec[schema.ColPovertyStatus].(string)
	if n := s[schema.ColHouseholdNumber]; n != "" {
		p.Where = append(p.Where, i18n.T(v.lang, "ui.household.number", n))
	}
	for _, x := range []string{s[schema.ColVillageID], s[schema.ColCommuneCode]} {
		if x != "" {
			p.Where = append(p.Where, x)
		}
	}
	p.Fields, p.Deprived = words.householdFields(rec, s)
	for _, child := range []*schema.Table{schema.Members, schema.Visits, schema.SupportRecords, schema.DamageReports} {
		tbl, err := a.childTable(ctx, words, child, p.ID)
		if err != nil {
			return err
		}
		p.Tables = append(p.Tables, tbl)
	}
	if p.Repeats, err = a.householdRepeats(ctx, v, p.ID); err != nil {
		return err
	}
	if p.Drafts, err = a.draftViews(ctx, v.lang, p.ID); err != nil {
		return err
	}
	if shown.Orphan != nil {
		o := a.orphanView(ctx, v, *shown.Orphan)
		p.Orphan = &o
	}
	for _, f := range forms.All().Latest() {
		p.Forms = append(p.Forms, formView{ID: f.ID, Title: f.Title.In(string(v.lang)), Intro: f.Intro.In(string(v.lang))})
	}
	return a.render(w, r, "household", "/households", p)
}

// householdFields are the household's fields worth a line (those
// recorded, but the ones the page shows elsewhere), and the deprivations
// it has.
func (w words) householdFields(rec ops.Record, s map[string]string) ([]labelled, []string) {
	t := schema.Households
	skip := []string{schema.ColHeadName, schema.ColHouseholdNumber, schema.ColVillageID, schema.ColCommuneCode, schema.ColPovertyStatus, "housing_condition"}
	var fields []labelled
	var deprived []string
	for _, c := range t.Columns {
		switch {
		case strings.HasPrefix(c.Name, "dep_"):
			if rec[c.Name] == true {
				deprived = append(deprived, w.label(t, c.Name))
			}
		case s[c.Name] == "" || c.Internal || slices.Contains(skip, c.Name) || slices.Contains(notTyped, c.Name):
		default:
			fields = append(fields, labelled{w.label(t, c.Name), s[c.Name]})
		}
	}
	return fields, deprived
}

// childColumns are the columns a household's page shows of each of its
// tables.
var childColumns = map[string][]string{
	schema.Members.Name:        {schema.ColFullName, schema.ColBirthYear, "sex", "relation", "health_insurance"},
	schema.Visits.Name:         {schema.ColVisitDate, schema.ColPurpose, schema.ColOfficer},
	schema.SupportRecords.Name: {schema.ColKind, schema.ColProgram, schema.ColAmountVND, schema.ColStatus, schema.ColDeliveredDate},
	schema.DamageReports.Name:  {schema.ColEvent, schema.ColEventDate, schema.ColHouseDamage, schema.ColEstimatedLossVND},
}

// childTable is the records of t of household id.
func (a *App) childTable(ctx context.Context, w words, t *schema.Table, id string) (recordTable, error) {
	rows, err := ops.List(ctx, a.cfg.DB, t, ops.ListQuery{Of: id})
	if err != nil {
		return recordTable{}, err
	}
	cols := childColumns[t.Name]
	tbl := recordTable{Table: t.Name, Title: w.T("table." + t.Name), Add: "/records/" + t.Name + "/new?household=" + id,
		Empty: w.T("ui.household.none." + t.Name)}
	for _, col := range cols {
		tbl.Columns = append(tbl.Columns, w.label(t, col))
	}
	if t == schema.Visits { // the last visit first
		slices.Reverse(rows)
		slices.SortStableFunc(rows, func(x, y ops.Record) int {
			return strings.Compare(str(y[schema.ColVisitDate]), str(x[schema.ColVisitDate]))
		})
	}
	for _, rec := range rows {
		s := w.record(t, rec)
		row := recordRow{ID: rec["id"].(string)}
		for _, col := range cols {
			row.Cells = append(row.Cells, s[col])
		}
		if rec["is_prestige"] == true {
			row.Note = w.T("column.members.is_prestige")
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	return tbl, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// repeatView is support a household received more often than its kind
// allows, as a page warns of it.
type repeatView struct {
	Text    string
	Records []string
}

// repeatView says an overlap: what, how often it is allowed, and each
// record. prefix is "ui.repeat" for a record about to be written (the
// records are those before it), "ui.repeats" for one the household has.
func (a *App) repeatView(ctx context.Context, l i18n.Lang, o *reconcile.Overlap, prefix string) *repeatView {
	w, _ := a.words(ctx, l) // names are a nicety here
	kind, _ := schema.SupportRecords.Column(schema.ColKind)
	rv := &repeatView{Text: i18n.T(l, prefix+".ever", ops.ChoiceText(l, kind, o.Kind))}
	if o.Period == reconcile.Year {
		rv.Text = i18n.T(l, prefix+".year", ops.ChoiceText(l, kind, o.Kind), o.Year)
	}
	program, _ := schema.SupportRecords.Column(schema.ColProgram)
	for _, r := range o.Records {
		parts := []string{w.value(&schema.Column{Type: schema.Date}, r.Date), ops.ChoiceText(l, program, r.Program)}
		if r.AmountVND != nil {
			parts = append(parts, ops.VND(l, *r.AmountVND))
		}
		rv.Records = append(rv.Records, strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " · "))
	}
	return rv
}

// householdRepeats are the overlaps of support of household id.
func (a *App) householdRepeats(ctx context.Context, v *visit, id string) ([]repeatView, error) {
	overlaps, err := reconcile.SupportOverlaps(ctx, a.cfg.DB.SQL(), 0, v.who().Communes)
	if err != nil {
		return nil, err
	}
	var out []repeatView
	for i := range overlaps {
		if overlaps[i].Household.ID == id {
			out = append(out, *a.repeatView(ctx, v.lang, &overlaps[i], "ui.repeats"))
		}
	}
	return out, nil
}
