package ui

import (
	"net/http"
	"slices"

	"hodan/internal/i18n"
	"hodan/ops"
)

// historyPage is every write of a record's fields this laptop holds.
type historyPage struct {
	Title, Back string
	Rows        []historyRow
}

// historyRow is one write: when, by whom, which field, what it wrote and
// what it replaced, and what became of it.
type historyRow struct {
	When, Who, Field, Value, Replaced, Outcome, Class string
}

// history shows the history of a record, the latest write first (from the
// laptop's log, ops.History).
func (a *App) history(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, rec, err := a.recordOf(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := rec["id"].(string)
	changes, err := ops.History(ctx, a.cfg.DB, v.who(), a.namer(ctx, v), t, id)
	if err != nil {
		return err
	}
	words, err := a.words(ctx, v.lang)
	if err != nil {
		return err
	}
	p := historyPage{Title: i18n.T(v.lang, "ui.history.title", i18n.T(v.lang, "noun."+t.Noun), words.name(t, rec)), Back: recordPath(t, id, rec)}
	for _, c := range slices.Backward(changes) {
		row := historyRow{When: whenText(v.lang, c.At, a.cfg.Now()), Who: words.officer(c.Officer, c.Site),
			Outcome: i18n.T(v.lang, "ui.outcome."+c.Outcome), Class: c.Outcome}
		if c.Column == "" {
			row.Field = i18n.T(v.lang, "ui.history.record")
		} else {
			row.Field, row.Value = words.label(t, c.Column), words.cell(t.Name, c.Column, c.Value)
			if c.Replaced != nil {
				row.Replaced = words.cell(t.Name, c.Column, *c.Replaced)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return a.render(w, r, "history", here(t), p)
}
