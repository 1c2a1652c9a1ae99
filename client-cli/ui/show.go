package ui

import (
	"encoding/json"
	"net/http"
	"slices"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
)

// recordPage is one record with every field recorded.
type recordPage struct {
	Table, ID, Title, Back string
	Fields                 []labelled
	Answers                []labelled // a guided visit's answers, by its form's questions
	Orphan                 *orphanView
}

// showRecord shows a record: every field recorded, a guided visit's
// answers, and whether it waits to be settled.
func (a *App) showRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := tableOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	shown, err := ops.Show(ctx, a.cfg.DB, v.who(), a.namer(ctx, v), t, r.PathValue("id"))
	if err != nil {
		return err
	}
	words, err := a.words(ctx, v.lang)
	if err != nil {
		return err
	}
	rec, id := shown.Record, shown.Record["id"].(string)
	p := recordPage{Table: t.Name, ID: id, Back: recordPath(t, id, rec),
		Title: i18n.T(v.lang, "ui.show.title", i18n.T(v.lang, "noun."+t.Noun), words.name(t, rec))}
	s := words.record(t, rec)
	for _, c := range t.Columns {
		if s[c.Name] != "" && !c.Internal && c.Type != schema.JSON && !slices.Contains(notTyped, c.Name) {
			p.Fields = append(p.Fields, labelled{words.label(t, c.Name), s[c.Name]})
		}
	}
	if answers, ok := rec[schema.ColAnswers].(string); ok {
		p.Answers = words.answers(answers)
	}
	if shown.Orphan != nil {
		o := a.orphanView(ctx, v, *shown.Orphan)
		p.Orphan = &o
	}
	return a.render(w, r, "record", here(t), p)
}

// answers are a guided visit's answers (visits.answers) by its form's
// questions, said as the form asks them; nil for a visit recorded
// otherwise, or by a form this version does not know.
func (w words) answers(text string) []labelled {
	var kept struct {
		Form    string         `json:"form_id"`
		Version int            `json:"form_version"`
		Answers map[string]any `json:"answers"`
	}
	if json.Unmarshal([]byte(text), &kept) != nil {
		return nil
	}
	f, ok := forms.All().ByVersion(kept.Form, kept.Version)
	if !ok {
		return nil
	}
	var out []labelled
	for _, q := range f.Questions {
		if a, ok := kept.Answers[q.ID]; ok {
			out = append(out, labelled{q.Label.In(string(w.l)), w.answer(q, a, nil)})
		}
	}
	return out
}

// answer says an answer to q for people: a choice by its label, yes or
// no, money and numbers grouped, a date dd/mm/yyyy, a member by name.
func (w words) answer(q *forms.Question, a any, members []ops.VisitMember) string {
	switch x := a.(type) {
	case bool:
		return w.yesNo(x)
	case float64: // read back from JSON
		if q.Kind == forms.Number {
			return i18n.Number(w.l, schema.FormatDecimal(x, true))
		}
		a = int64(x)
	case string:
		for _, o := range q.Choices {
			if o.Value == x {
				return o.Label.In(string(w.l))
			}
		}
		for _, m := range members {
			if m.ID == x {
				return m.Name
			}
		}
		if q.Kind == forms.Date {
			return w.value(&schema.Column{Type: schema.Date}, x)
		}
		return ops.SafeText(x)
	}
	switch x := a.(type) {
	case int64:
		if q.Kind == forms.Money {
			return ops.VND(w.l, x)
		}
		return i18n.Whole(w.l, x)
	case float64:
		return i18n.Number(w.l, schema.FormatDecimal(x, true))
	}
	return ""
}
