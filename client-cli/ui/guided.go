package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
)

// A guided visit is asked in steps, the form's questions a few at a time
// (steps), after a first field for the visit's date, which defaults to
// today; the answers are kept in a draft (ops.Draft) as they are typed
// and after each step, so that nothing typed is lost when the tab or the
// laptop closes; the last step reviews every answer — with a poverty
// review's classification and why, and support the household already
// received of that kind — before the visit is saved in one transaction.

// maxStep is how many questions a step asks at most; a run of yes/no
// questions (a poverty review's deprivations) is one step, drawn as a
// checklist.
const maxStep = 6

// steps splits a form's questions into the steps they are asked in.
func steps(f *forms.Form) [][]*forms.Question {
	var out [][]*forms.Question
	var cur []*forms.Question
	flush := func() {
		if len(cur) > 0 {
			out, cur = append(out, cur), nil
		}
	}
	qs := f.Questions
	for i := 0; i < len(qs); i++ {
		if run := yesNoRun(qs[i:]); run >= 3 {
			flush()
			out = append(out, qs[i:i+run])
			i += run - 1
			continue
		}
		cur = append(cur, qs[i])
		if len(cur) == maxStep {
			flush()
		}
	}
	flush()
	return out
}

// yesNoRun is how many yes/no questions qs begins with.
func yesNoRun(qs []*forms.Question) int {
	n := 0
	for n < len(qs) && qs[n].Kind == forms.YesNo {
		n++
	}
	return n
}

// guided is a draft with what it is of: its form, its household, its
// steps.
type guided struct {
	draft     ops.Draft
	form      *forms.Form
	household ops.VisitHousehold
	members   []ops.VisitMember
	steps     [][]*forms.Question
}

// guidedOf loads the draft a request names.
func (a *App) guidedOf(ctx context.Context, v *visit, id string) (*guided, error) {
	d, err := ops.LoadDraft(ctx, a.cfg.DB, id)
	if err != nil {
		return nil, err
	}
	f, ok := forms.All().ByVersion(d.FormID, d.FormVersion)
	if !ok {
		return nil, i18n.NewError("visit.no_form", d.FormID, "")
	}
	all, err := ops.VisitHouseholds(ctx, a.cfg.DB, v.who())
	if err != nil {
		return nil, err
	}
	h, err := ops.FindVisitHousehold(a.cfg.DB, all, d.HouseholdID)
	if err != nil {
		return nil, err
	}
	g := &guided{draft: d, form: f, household: h, steps: steps(f)}
	g.members, err = ops.VisitCandidates(ctx, a.cfg.DB, h)
	return g, err
}

// answers are the draft's answers read by their questions, as far as
// they are asked; problems says why those refused were, by question.
func (g *guided) answers(l i18n.Lang) (forms.Answers, map[string]string) {
	answers, problems := forms.Answers{}, map[string]string{}
	for _, q := range g.form.Questions {
		text, typed := g.draft.Answers[q.ID]
		if !g.form.Asked(q, answers) || !typed {
			continue
		}
		v, err := q.Parse(text)
		if err != nil {
			problems[q.ID] = ops.AnswerProblem(l, q, text, err)
			continue
		}
		if v != nil {
			answers[q.ID] = v
		}
	}
	return answers, problems
}

// date is the visit's date as the engine keeps it (YYYY-MM-DD), read from
// what the officer typed, or why it cannot be.
func (g *guided) date(l i18n.Lang) (string, string) {
	c, _ := schema.Visits.Column(schema.ColVisitDate)
	v, err := c.Parse(g.draft.Date)
	if err == nil && v == nil {
		return "", i18n.T(l, "ui.form.required")
	}
	if err == nil {
		err = c.Check(v)
	}
	if err != nil {
		return "", reason(l, err)
	}
	return v.(string), ""
}

// chooseFormPage offers the forms a household can be visited with, and
// the visits begun on it.
type chooseFormPage struct {
	ID, Name string
	Forms    []formView
	Drafts   []draftView
}

func (a *App) chooseForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	p := chooseFormPage{ID: id, Name: a.householdName(r.Context(), v.lang, id)}
	for _, f := range forms.All().Latest() {
		p.Forms = append(p.Forms, formView{ID: f.ID, Title: f.Title.In(string(v.lang)), Intro: f.Intro.In(string(v.lang))})
	}
	var err error
	if p.Drafts, err = a.draftViews(r.Context(), v.lang, id); err != nil {
		return err
	}
	return a.render(w, r, "visit_forms", "/households", p)
}

// beginVisit begins a guided visit of a household with a form, or goes
// on with the one begun with that form.
func (a *App) beginVisit(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx, id := r.Context(), r.PathValue("id")
	f, ok := forms.All().ByID(r.PostFormValue("form"))
	if !ok {
		return errNotFound
	}
	all, err := ops.VisitHouseholds(ctx, a.cfg.DB, v.who())
	if err != nil {
		return err
	}
	h, err := ops.FindVisitHousehold(a.cfg.DB, all, id)
	if err != nil {
		return err
	}
	drafts, err := ops.Drafts(ctx, a.cfg.DB)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		if d.HouseholdID == h.ID && d.FormID == f.ID && d.FormVersion == f.Version {
			return a.redirect(w, r, "/drafts/"+d.ID, done("ui.flash.draft_again"))
		}
	}
	d := &ops.Draft{HouseholdID: h.ID, FormID: f.ID, FormVersion: f.Version, Answers: map[string]string{}}
	if day, err := a.day(ctx); err == nil && day.Date != "" {
		d.Date = ops.DateText(a.cfg.Now())
	}
	if err := ops.SaveDraft(ctx, a.cfg.DB, d, a.cfg.Now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/drafts/"+d.ID, http.StatusSeeOther)
	return nil
}

// draftStep shows the step the draft is at (or ?step=, one it has been
// through), or its review after the last.
func (a *App) draftStep(w http.ResponseWriter, r *http.Request, v *visit) error {
	g, err := a.guidedOf(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	k := g.draft.Step
	if s := r.URL.Query().Get("step"); s != "" {
		k = min(atoi(s), g.draft.Step)
	}
	if k >= len(g.steps) {
		return a.review(w, r, v, g)
	}
	return a.render(w, r, "visit_step", "/households", a.stepPage(r.Context(), v, g, max(k, 0), nil))
}

// answerStep keeps what the officer answered at a step and goes on to the
// next (or back to the one before); an answer refused is said beside its
// question, and the step asked again. The page's script sends the step
// as it is typed (go=keep): it is kept as typed, checked at Next.
func (a *App) answerStep(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	g, err := a.guidedOf(ctx, v, r.PathValue("id"))
	if err != nil {
		return err
	}
	k := min(max(atoi(r.PostFormValue("step")), 0), len(g.steps)-1)
	for _, q := range g.steps[k] {
		g.draft.Answers[q.ID] = r.PostFormValue("q_" + q.ID)
	}
	if k == 0 {
		g.draft.Date = r.PostFormValue("visit_date")
	}
	if r.PostFormValue("go") == "keep" { // the page's script, as the officer types
		if err := ops.SaveDraft(ctx, a.cfg.DB, &g.draft, a.cfg.Now()); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	back := r.PostFormValue("go") == "back"
	problems := map[string]string{}
	if !back {
		problems = g.stepProblems(v.lang, k)
	}
	next := k + 1
	switch {
	case back:
		next = max(k-1, 0)
	case g.draft.Step >= len(g.steps): // a change made from the review goes back to it
		next = len(g.steps)
	}
	if len(problems) == 0 {
		g.draft.Step = max(g.draft.Step, next)
	}
	if err := ops.SaveDraft(ctx, a.cfg.DB, &g.draft, a.cfg.Now()); err != nil {
		// Not kept (the database held by hodan sync, say): the step comes
		// back with what was typed, and why.
		p := a.stepPage(ctx, v, g, k, problems)
		p.Problem = explain(v.lang, err)
		a.page(w, r, http.StatusServiceUnavailable, "visit_step", "/households", p)
		return nil
	}
	if len(problems) > 0 {
		a.page(w, r, http.StatusUnprocessableEntity, "visit_step", "/households", a.stepPage(ctx, v, g, k, problems))
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/drafts/%s?step=%d", g.draft.ID, next), http.StatusSeeOther)
	return nil
}

// stepProblems says why answers of step k were refused, by question id
// ("visit_date" for the visit's date).
func (g *guided) stepProblems(l i18n.Lang, k int) map[string]string {
	_, all := g.answers(l)
	problems := map[string]string{}
	for _, q := range g.steps[k] {
		if p, ok := all[q.ID]; ok {
			problems[q.ID] = p
		}
	}
	if k == 0 {
		if _, p := g.date(l); p != "" {
			problems["visit_date"] = p
		}
	}
	return problems
}

// dropDraft drops a visit begun, after the officer confirmed.
func (a *App) dropDraft(w http.ResponseWriter, r *http.Request, v *visit) error {
	g, err := a.guidedOf(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := ops.DeleteDraft(r.Context(), a.cfg.DB, g.draft.ID); err != nil {
		return err
	}
	return a.redirect(w, r, "/households/"+g.household.ID, done("ui.flash.draft_dropped", g.form.Title.In(string(v.lang))))
}

// stepURL is the address of step k of a draft.
func stepURL(id string, k int) string { return "/drafts/" + id + "?step=" + strconv.Itoa(k) }
