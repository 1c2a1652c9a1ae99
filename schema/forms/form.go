// Package forms holds the visit forms an officer fills in with `hodan
// visit new`: declarative, versioned files in defs/ (poverty review,
// support delivery, storm damage assessment, visit to a person of
// prestige), not Go code. A form names the visit purpose it records and
// asks ordered questions, each of a kind (choice, yes/no, integer, money,
// date, text, number, pick-a-member) with its validation and its target:
// the table and column its answer lands in (households.*, visits.*,
// support_records.*, damage_reports.*, members.*) or only visits.answers.
// Every answer is always also kept in visits.answers, with the form's id
// and version.
//
// Load checks every file against the schema (every target exists and takes
// the question's kind, every choice is a value of its column's
// enumeration, every condition names an earlier question), so a bad form
// file fails the package's tests and never ships.
package forms

import (
	"fmt"
	"strings"

	"hodan/schema"
	"hodan/schema/poverty"
)

// Kind is the kind of answer a question takes.
type Kind string

// The kinds of question.
const (
	Choice  Kind = "choice"  // one of Choices, typed as its number or value
	YesNo   Kind = "yesno"   // có/không, yes/no
	Integer Kind = "integer" // a whole number
	Number  Kind = "number"  // a decimal number
	Money   Kind = "money"   // đồng: 1.200.000, 1200000 or 1,2tr
	Date    Kind = "date"    // YYYY-MM-DD or dd/mm/yyyy
	String  Kind = "text"    // free text
	Member  Kind = "member"  // a member of the household, picked from a list
)

// AnswersTarget is the target of a question whose answer is kept only in
// the visit's answers.
const AnswersTarget = "visits.answers"

// Computations a form can ask for besides its questions' targets.
const (
	// ComputePoverty classifies the household by the poverty standard in
	// force (schema/poverty) from the answers area, members and income_vnd
	// and the deprivation columns, and writes the households' poverty
	// columns.
	ComputePoverty = "poverty"
)

// Text is a text in Vietnamese and English; In picks one.
type Text = poverty.Text

// Form is one version of a form.
type Form struct {
	ID       string `json:"id"`
	Version  int    `json:"version"`
	Purpose  string `json:"purpose"` // a value of visits.purpose
	Title    Text   `json:"title"`
	Intro    Text   `json:"intro"`
	Computes string `json:"computes,omitempty"`
	// Set holds fixed values, by "table.column", written with the row of
	// their table whenever the form writes that row (a prestige gift is a
	// support record of kind "gift").
	Set       map[string]any `json:"set,omitempty"`
	Questions []*Question    `json:"questions"`
}

// Question is one question of a form.
type Question struct {
	ID       string   `json:"id"`
	Kind     Kind     `json:"kind"`
	Target   string   `json:"target"`
	Label    Text     `json:"label"`
	Help     Text     `json:"help"`
	Required bool     `json:"required,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MaxLen   int      `json:"max_len,omitempty"`
	Choices  []Option `json:"choices,omitempty"`
	When     *When    `json:"when,omitempty"`

	column *schema.Column // the target column; nil for visits.answers
}

// Option is one allowed answer of a choice question.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// When makes a question conditional: it is asked only when the earlier
// question Question was answered Equals.
type When struct {
	Question string `json:"question"`
	Equals   any    `json:"equals"`
}

// Table and Column split the target: "support_records", "amount_vnd".
func (q *Question) Table() string { t, _, _ := strings.Cut(q.Target, "."); return t }

// Column is the column part of the target.
func (q *Question) Column() string { _, c, _ := strings.Cut(q.Target, "."); return c }

// Question returns the question with the given id.
func (f *Form) Question(id string) (*Question, bool) {
	for _, q := range f.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return nil, false
}

// Key is how a visit names the form: "poverty_review.v1".
func (f *Form) Key() string { return fmt.Sprintf("%s.v%d", f.ID, f.Version) }
