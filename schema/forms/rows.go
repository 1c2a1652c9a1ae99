package forms

import (
	"fmt"
	"maps"
	"slices"
)

// Answers are a visit's answers by question id, as Parse returns them.
type Answers map[string]any

// Asked reports whether q is asked, given the answers so far: a question
// with a condition is asked only when the question it names was answered
// as the condition says.
func (f *Form) Asked(q *Question, a Answers) bool {
	if q.When == nil {
		return true
	}
	got, ok := a[q.When.Question]
	return ok && got != nil && fmt.Sprint(got) == fmt.Sprint(q.When.Equals)
}

// AskedQuestions returns the questions that are asked given the answers, in order.
func (f *Form) AskedQuestions(a Answers) []*Question {
	var out []*Question
	for _, q := range f.Questions {
		if f.Asked(q, a) {
			out = append(out, q)
		}
	}
	return out
}

// Kept returns the answers to the questions asked, without the ones a
// changed earlier answer made moot (answered, then the officer went back
// and changed the condition).
func (f *Form) Kept(a Answers) Answers {
	out := Answers{}
	for _, q := range f.AskedQuestions(a) {
		if v, ok := a[q.ID]; ok && v != nil {
			out[q.ID] = v
		}
	}
	return out
}

// Rows returns what the answers write, by table then column, as the
// columns store it (yes/no as 1 or 0), besides the visit's answers: the
// visit's own columns under "visits", the household's under "households",
// a new support_records or damage_reports row, the picked member's
// columns under "members". A table is written when a kept answer targets
// it; the form's fixed values for that table come with it, and the
// visit's always do.
func (f *Form) Rows(a Answers) map[string]map[string]any {
	rows := map[string]map[string]any{"visits": {}}
	for id, v := range f.Kept(a) {
		q, _ := f.Question(id)
		if q.Target == AnswersTarget {
			continue
		}
		if rows[q.Table()] == nil {
			rows[q.Table()] = map[string]any{}
		}
		rows[q.Table()][q.Column()] = ColumnValue(v)
	}
	for _, target := range slices.Sorted(maps.Keys(f.Set)) {
		q := Question{Target: target}
		if row, ok := rows[q.Table()]; ok {
			if _, typed := row[q.Column()]; !typed {
				row[q.Column()] = ColumnValue(f.Set[target])
			}
		}
	}
	return rows
}

// MemberID is the id of the member the answers picked, if any.
func (f *Form) MemberID(a Answers) (string, bool) {
	for _, q := range f.AskedQuestions(a) {
		if id, ok := a[q.ID].(string); ok && q.Kind == Member {
			return id, true
		}
	}
	return "", false
}
