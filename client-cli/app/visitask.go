package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
)

// visitAnswers is a visit being filled in.
type visitAnswers struct {
	form      *forms.Form
	household ops.VisitHousehold
	members   []ops.VisitMember
	answers   forms.Answers
	// visited holds the questions the officer has been asked; a change
	// from the review asks again only the one changed and any it newly
	// brings in.
	visited map[string]bool
}

// step is what the officer did at a question.
type step int

const (
	stepNext step = iota
	stepBack
)

// questions asks the form's questions from index start on, as their
// conditions allow, going back on "<". With edit, it asks the question at
// start and then only those not asked before.
func (fl *visitFlow) questions(v *visitAnswers, start int, edit bool) error {
	var history []int
	for i := start; i < len(v.form.Questions); {
		q := v.form.Questions[i]
		if !v.form.Asked(q, v.answers) || (edit && i > start && v.visited[q.ID]) {
			i++
			continue
		}
		v.visited[q.ID] = true
		st, err := fl.ask(v, q, i)
		if err != nil {
			return err
		}
		if st == stepNext {
			history = append(history, i)
			i++
			continue
		}
		if len(history) == 0 {
			fmt.Fprintln(fl.out, fl.a.T("visit.ask.first"))
			continue
		}
		i, history = history[len(history)-1], history[:len(history)-1]
	}
	return nil
}

// ask asks one question until it gets an answer the question takes.
func (fl *visitFlow) ask(v *visitAnswers, q *forms.Question, i int) (step, error) {
	fl.printQuestion(v, q, i)
	for {
		text, err := fl.line()
		if err != nil {
			return 0, err
		}
		cur, has := v.answers[q.ID]
		switch {
		case text == "<":
			return stepBack, nil
		case text == "" && has && cur != nil:
			return stepNext, nil // keep the answer given before
		case text == "-" && !q.Required:
			delete(v.answers, q.ID)
			return stepNext, nil
		}
		if q.Kind == forms.Member && text != "" {
			id, ok := v.memberID(text)
			if !ok {
				fmt.Fprintln(fl.out, fl.a.T("visit.pick.bad", text, len(v.members)))
				continue
			}
			text = id
		}
		ans, err := q.Parse(text)
		if err != nil {
			fmt.Fprintln(fl.out, fl.explain(q, text, err))
			continue
		}
		if ans == nil {
			delete(v.answers, q.ID)
		} else {
			v.answers[q.ID] = ans
			fl.echo(v, q, ans)
		}
		return stepNext, nil
	}
}

// echo shows a number as it was read, right after the answer, so that
// the officer sees 1.500 was taken for one thousand five hundred.
func (fl *visitFlow) echo(v *visitAnswers, q *forms.Question, ans any) {
	switch q.Kind {
	case forms.Integer, forms.Number, forms.Money:
		fmt.Fprintln(fl.out, "   → "+fl.show(v, q, ans))
	}
}

// printQuestion shows a question: its number, label, allowed answers and
// hints.
func (fl *visitFlow) printQuestion(v *visitAnswers, q *forms.Question, i int) {
	l := fl.lang()
	fmt.Fprintf(fl.out, "\n[%d/%d] %s\n", i+1, len(v.form.Questions), q.Label.In(l))
	for k, o := range q.Choices {
		fmt.Fprintf(fl.out, "   %d. %s\n", k+1, o.Label.In(l))
	}
	if q.Kind == forms.Member {
		for k, m := range v.members {
			fmt.Fprintf(fl.out, "   %d. %s\n", k+1, fl.describeMember(m))
		}
		if len(v.members) == 0 {
			fmt.Fprintln(fl.out, "   "+fl.a.T("visit.ask.no_members"))
		}
	}
	if help := q.Help.In(l); help != "" {
		fmt.Fprintln(fl.out, "   "+help)
	}
	hint := fl.a.T(msgKey("visit.kind", string(q.Kind)))
	if q.Required {
		hint += " · " + fl.a.T("visit.ask.required")
	} else {
		hint += " · " + fl.a.T("visit.ask.optional")
	}
	if cur, ok := v.answers[q.ID]; ok && cur != nil {
		hint += " · " + fl.a.T("visit.ask.current", fl.show(v, q, cur))
	}
	fmt.Fprintln(fl.out, "   ("+hint+"; "+fl.a.T("visit.ask.keys")+")")
}

func (fl *visitFlow) describeMember(m ops.VisitMember) string {
	s := m.Name
	if m.BirthYear > 0 {
		s += fmt.Sprintf(" (%d)", m.BirthYear)
	}
	if m.Relation != "" {
		s += ", " + fl.a.relationLabel(m.Relation)
	}
	return s
}

// explain says why an answer was refused, and what to type instead
// (ops.AnswerProblem).
func (fl *visitFlow) explain(q *forms.Question, text string, err error) string {
	return ops.AnswerProblem(fl.a.lang, q, text, err)
}

// show renders an answer for the officer.
func (fl *visitFlow) show(v *visitAnswers, q *forms.Question, ans any) string {
	switch x := ans.(type) {
	case bool:
		if x {
			return fl.a.T("visit.yes")
		}
		return fl.a.T("visit.no")
	case int64:
		if q.Kind == forms.Money {
			return fl.a.amount(x)
		}
		return schema.FormatWhole(x, true)
	case float64:
		return schema.FormatDecimal(x, true)
	case string:
		if d, err := time.Parse(time.DateOnly, x); err == nil && q.Kind == forms.Date {
			return schema.FormatDate(d)
		}
		return fl.showText(v, q, x)
	}
	return fmt.Sprint(ans)
}

func (fl *visitFlow) showText(v *visitAnswers, q *forms.Question, s string) string {
	for _, o := range q.Choices {
		if o.Value == s {
			return o.Label.In(fl.lang())
		}
	}
	if q.Kind == forms.Member {
		for _, m := range v.members {
			if m.ID == s {
				return m.Name
			}
		}
	}
	return s
}

// relationLabel is a member's relation to the head in the officer's
// language.
func (a *app) relationLabel(rel string) string {
	return a.T(msgKey("visit.relation", rel))
}

// review lists every answer and asks to save; it returns -1 to save, or
// the index of the question the officer wants to change.
func (fl *visitFlow) review(v *visitAnswers) (int, error) {
	fmt.Fprintln(fl.out, "\n"+fl.a.T("visit.review.title", v.form.Title.In(fl.lang()), v.household.Describe(fl.a.lang)))
	asked := v.form.AskedQuestions(v.answers)
	for k, q := range asked {
		shown := fl.a.T("visit.review.skipped")
		if ans, ok := v.answers[q.ID]; ok && ans != nil {
			shown = fl.show(v, q, ans)
		}
		fmt.Fprintf(fl.out, "  %2d. %s: %s\n", k+1, q.Label.In(fl.lang()), shown)
	}
	if err := fl.preview(v); err != nil {
		return 0, err
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.review.confirm", len(asked)))
	for {
		text, err := fl.line()
		if err != nil {
			return 0, err
		}
		switch strings.ToLower(text) {
		case "c", "có", "co", "y", "yes", "l", "lưu", "luu", "s", "save":
			return -1, nil
		case "<":
			return indexOf(v.form, asked[len(asked)-1]), nil
		}
		if k, err := strconv.Atoi(text); err == nil && k >= 1 && k <= len(asked) {
			return indexOf(v.form, asked[k-1]), nil
		}
		fmt.Fprintln(fl.out, fl.a.T("visit.review.bad", text, len(asked)))
	}
}

func indexOf(f *forms.Form, q *forms.Question) int {
	for i, x := range f.Questions {
		if x == q {
			return i
		}
	}
	return 0
}

// msgKey joins a message key from a prefix and a value, such as
// "visit.kind" and "money"; visit_test.go checks every value has its key.
func msgKey(prefix, value string) string { return prefix + "." + value }
