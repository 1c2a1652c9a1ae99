package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
)

// stepPage is a step of a guided visit as its page shows it.
type stepPage struct {
	ID, Form, Household string
	Step, Steps         int // from 1
	Date                *field
	Fields              []*field
	Checklist           bool   // a run of yes/no questions, drawn as a table
	Problem             string // why the answers could not be kept
}

// stepPage lays out step k of g, with the reasons answers were refused.
func (a *App) stepPage(ctx context.Context, v *visit, g *guided, k int, problems map[string]string) stepPage {
	w := words{l: v.lang}
	p := stepPage{ID: g.draft.ID, Form: g.form.Title.In(string(v.lang)), Household: g.household.Describe(v.lang), Step: k + 1, Steps: len(g.steps) + 1}
	if k == 0 {
		p.Date = &field{Name: "visit_date", Label: w.label(schema.Visits, schema.ColVisitDate), Kind: "date", Value: g.draft.Date,
			Required: true, Hint: w.T("ui.visit.date_hint"), Error: problems["visit_date"]}
		if day, err := a.day(ctx); err == nil && day.Doubt != nil {
			p.Date.Hint = w.T("ui.visit.date_doubt", ops.DateText(day.Doubt.Now))
		}
	}
	p.Checklist = len(g.steps[k]) > 1 && yesNoRun(g.steps[k]) == len(g.steps[k])
	for _, q := range g.steps[k] {
		p.Fields = append(p.Fields, w.question(q, g.draft.Answers[q.ID], g.members, problems[q.ID], g.form))
	}
	if len(p.Fields) > 0 && p.Date == nil {
		p.Fields[0].Autofocus = true
	}
	return p
}

// question is the field of a question of a guided form, holding text.
func (w words) question(q *forms.Question, text string, members []ops.VisitMember, problem string, f *forms.Form) *field {
	lang := string(w.l)
	fd := &field{Name: "q_" + q.ID, Label: q.Label.In(lang), Hint: q.Help.In(lang), Value: text, Required: q.Required, Error: problem, Kind: "text"}
	switch q.Kind {
	case forms.Choice:
		fd.Kind = "radio"
		for _, o := range q.Choices {
			fd.Choices = append(fd.Choices, choice{o.Value, o.Label.In(lang)})
		}
		if len(q.Choices) > 5 {
			fd.Kind = "select"
		}
	case forms.YesNo:
		fd.Kind, fd.Choices = "yesno", []choice{{"1", w.T("ui.yes")}, {"0", w.T("ui.no")}}
		if strings.Contains(fd.Hint, "=") { // a terminal's key legend ("c = có, k = không"), not a question's help
			fd.Hint = ""
		}
	case forms.Member:
		fd.Kind, fd.Hint = "radio", "" // its help says how to pick at a terminal
		for _, m := range members {
			fd.Choices = append(fd.Choices, choice{m.ID, w.member(m)})
		}
		if len(members) == 0 {
			fd.Hint = w.T("ui.visit.no_members")
		}
	case forms.Money:
		fd.Kind, fd.Unit = "money", w.T("ui.form.dong")
	case forms.Integer, forms.Number:
		fd.Kind = "number"
	case forms.Date:
		fd.Kind, fd.Hint = "date", w.T("ui.form.date_hint") // its help is the terminal's dd/mm/yyyy
	case forms.String:
		if q.Target == schema.Visits.Name+"."+schema.ColNotes {
			fd.Kind, fd.Wide = "textarea", true
		}
	}
	if q.When != nil {
		on, _ := f.Question(q.When.Question)
		fd.When, fd.Equals = "q_"+q.When.Question, whenValue(on, q.When.Equals)
		fd.Hint = strings.TrimSpace(fd.Hint + " " + w.T("ui.visit.only_when", on.Label.In(lang)))
	}
	return fd
}

// whenValue is the value a field's input holds when the question it
// depends on is answered equals.
func whenValue(on *forms.Question, equals any) string {
	if b, ok := equals.(bool); ok && on.Kind == forms.YesNo {
		if b {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(equals)
}

// member says a person of the household for a choice: name, birth year,
// relation to the head.
func (w words) member(m ops.VisitMember) string {
	s := m.Name
	if m.BirthYear > 0 {
		s += fmt.Sprintf(" (%d)", m.BirthYear)
	}
	if m.Relation != "" && m.ID != ops.HeadMember {
		relation, _ := schema.Members.Column("relation")
		s += " — " + ops.ChoiceText(w.l, relation, m.Relation)
	}
	if m.ID == ops.HeadMember {
		s += " · " + w.T("ui.visit.head_not_member")
	}
	return s
}

// reviewPage is the last step of a guided visit: every answer, what a
// poverty review finds, support received before, and the save.
type reviewPage struct {
	ID, Form, Household, Date string
	HouseholdID               string
	Steps                     int
	Answers                   []reviewAnswer
	Poverty                   *povertyView
	Repeat                    *repeatView
	Ready                     bool // every question asked is answered as it may be
}

// reviewAnswer is one answer of the review, with the step to change it
// at.
type reviewAnswer struct {
	Question, Answer, Problem, Edit string
}

// povertyView is a classification and why.
type povertyView struct {
	Result, Scores string
	Status         string
	Why            []string
}

// review shows the review of g.
func (a *App) review(w http.ResponseWriter, r *http.Request, v *visit, g *guided) error {
	ctx, l := r.Context(), v.lang
	words := words{l: l}
	answers, problems := g.answers(l)
	date, dateProblem := g.date(l)
	p := reviewPage{ID: g.draft.ID, HouseholdID: g.household.ID, Form: g.form.Title.In(string(l)), Household: g.household.Describe(l), Date: g.draft.Date,
		Steps: len(g.steps) + 1, Ready: dateProblem == ""}
	for k, step := range g.steps {
		for _, q := range step {
			if !g.form.Asked(q, answers) {
				continue
			}
			ra := reviewAnswer{Question: q.Label.In(string(l)), Problem: problems[q.ID], Edit: stepURL(g.draft.ID, k)}
			switch ans, ok := answers[q.ID]; {
			case ok:
				ra.Answer = words.answer(q, ans, g.members)
			case q.Required && ra.Problem == "":
				ra.Problem = i18n.T(l, "ui.visit.unanswered")
			}
			p.Ready = p.Ready && ra.Problem == ""
			p.Answers = append(p.Answers, ra)
		}
	}
	if p.Ready {
		if res, err := ops.Classify(g.form, answers, date); err == nil && res != nil {
			p.Poverty = &povertyView{Result: ops.PovertyResult(l, res), Scores: ops.PovertyScores(l, res), Status: string(res.Status), Why: ops.PovertyWhy(l, res)}
		}
		if support := g.form.Rows(answers)[schema.SupportRecords.Name]; support != nil {
			support[schema.ColHouseholdID] = g.household.ID
			if o, err := ops.SupportRepeats(ctx, a.cfg.DB, v.who(), support, ops.Day{Date: date}); err == nil && o != nil {
				p.Repeat = a.repeatView(ctx, l, o, "ui.repeat")
			}
		}
	}
	return a.render(w, r, "visit_review", "/households", p)
}

// saveVisit saves a guided visit in one transaction, which deletes its
// draft; an answer refused sends the officer back to its step.
func (a *App) saveVisit(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	g, err := a.guidedOf(ctx, v, r.PathValue("id"))
	if errors.Is(err, ops.ErrNoDraft) {
		return a.savedAlready(w, r, r.PostFormValue("household"))
	}
	if err != nil {
		return err
	}
	answers, problems := g.answers(v.lang)
	date, dateProblem := g.date(v.lang)
	if dateProblem != "" {
		return a.redirect(w, r, stepURL(g.draft.ID, 0), failed("ui.flash.visit_fix"))
	}
	for k, step := range g.steps {
		for _, q := range step {
			if _, bad := problems[q.ID]; bad || q.Required && g.form.Asked(q, answers) && answers[q.ID] == nil {
				return a.redirect(w, r, stepURL(g.draft.ID, k), failed("ui.flash.visit_fix"))
			}
		}
	}
	saved, err := ops.SaveVisit(ctx, a.cfg.DB, v.who(), ops.Visit{Form: g.form, Household: g.household, Answers: answers, Draft: g.draft.ID}, date)
	if errors.Is(err, ops.ErrNoDraft) {
		return a.savedAlready(w, r, g.household.ID)
	}
	if err != nil {
		return a.redirect(w, r, stepURL(g.draft.ID, len(g.steps)), failed("ui.flash.visit_failed", explain(v.lang, err)))
	}
	title := g.form.Title.In(string(v.lang))
	if saved.Result != nil {
		return a.redirect(w, r, "/households/"+g.household.ID, done("ui.flash.visit_saved_poverty", title, ops.PovertyResult(v.lang, saved.Result)))
	}
	return a.redirect(w, r, "/households/"+g.household.ID, done("ui.flash.visit_saved", title))
}

// savedAlready answers the save of a visit whose draft is no longer here
// (saved from another tab, or dropped): to its household's page, saying
// so.
func (a *App) savedAlready(w http.ResponseWriter, r *http.Request, household string) error {
	back := "/households"
	if household != "" {
		back += "/" + url.PathEscape(household)
	}
	return a.redirect(w, r, back, failed("ui.flash.draft_gone"))
}

// draftView is a visit begun and not saved, as a page offers it again.
type draftView struct {
	ID, Form, Household, When string
}

// draftViews are the visits begun, of household (all when "").
func (a *App) draftViews(ctx context.Context, l i18n.Lang, household string) ([]draftView, error) {
	drafts, err := ops.Drafts(ctx, a.cfg.DB)
	if err != nil {
		return nil, err
	}
	var out []draftView
	for _, d := range drafts {
		if household != "" && d.HouseholdID != household {
			continue
		}
		dv := draftView{ID: d.ID, Household: a.householdName(ctx, l, d.HouseholdID), When: whenText(l, d.Updated, a.cfg.Now())}
		if f, ok := forms.All().ByVersion(d.FormID, d.FormVersion); ok {
			dv.Form = f.Title.In(string(l))
		}
		out = append(out, dv)
	}
	return out, nil
}
