package forms

import (
	"fmt"

	"hodan/schema"
	"hodan/schema/poverty"
)

// kindTypes are the column types each kind of question may target.
var kindTypes = map[Kind]schema.Type{
	Choice: schema.Text, YesNo: schema.Bool, Integer: schema.Integer, Money: schema.Integer,
	Number: schema.Real, Date: schema.Date, String: schema.Text, Member: schema.Ref,
}

// check reports the first thing wrong with a form read from a file.
func (f *Form) check() error {
	if f.ID == "" || f.Version < 1 || f.Title.VI == "" || f.Title.EN == "" {
		return fmt.Errorf("needs an id, a version of 1 or more and a title in vi and en")
	}
	visits := schema.Visits
	purpose, _ := visits.Column("purpose")
	if err := purpose.Check(f.Purpose); err != nil || f.Purpose == "" {
		return fmt.Errorf("purpose %q is not a visit purpose", f.Purpose)
	}
	if len(f.Questions) == 0 {
		return fmt.Errorf("asks no question")
	}
	seen := map[string]bool{}
	for i, q := range f.Questions {
		if seen[q.ID] || q.ID == "" {
			return fmt.Errorf("question %d: id %q is empty or used twice", i+1, q.ID)
		}
		if err := f.checkQuestion(q, seen); err != nil {
			return fmt.Errorf("question %s: %w", q.ID, err)
		}
		seen[q.ID] = true
	}
	if err := f.checkSet(); err != nil {
		return err
	}
	if err := f.checkMembers(); err != nil {
		return err
	}
	return f.checkCompute()
}

func (f *Form) checkQuestion(q *Question, earlier map[string]bool) error {
	want, ok := kindTypes[q.Kind]
	if !ok {
		return fmt.Errorf("kind %q is not one of choice, yesno, integer, number, money, date, text, member", q.Kind)
	}
	if q.Label.VI == "" || q.Label.EN == "" {
		return fmt.Errorf("needs a label in vi and en")
	}
	if q.Target != AnswersTarget {
		c, err := column(q.Target)
		if err != nil {
			return err
		}
		if c.Type != want || (q.Kind == Member && c.Refers != "members") {
			return fmt.Errorf("a %s question cannot fill %s, a %s column", q.Kind, q.Target, c.Type)
		}
		q.column = c
	}
	if (q.Kind == Choice) != (len(q.Choices) > 0) {
		return fmt.Errorf("a choice question, and only one, lists its choices")
	}
	for _, o := range q.Choices {
		if o.Value == "" || o.Label.VI == "" || o.Label.EN == "" {
			return fmt.Errorf("choice %q needs a value and a label in vi and en", o.Value)
		}
		if q.column != nil {
			if err := q.column.Check(o.Value); err != nil {
				return fmt.Errorf("choice %q: %w", o.Value, err)
			}
		}
	}
	if q.Min != nil && q.Max != nil && *q.Max < *q.Min {
		return fmt.Errorf("max is under min")
	}
	return f.checkWhen(q, earlier)
}

func (f *Form) checkWhen(q *Question, earlier map[string]bool) error {
	if q.When == nil {
		return nil
	}
	if !earlier[q.When.Question] {
		return fmt.Errorf("asked when %q, which is not an earlier question", q.When.Question)
	}
	on, _ := f.Question(q.When.Question)
	v, err := on.valueOf(q.When.Equals)
	if err != nil {
		return fmt.Errorf("asked when %s is %v, which it cannot be: %w", on.ID, q.When.Equals, err)
	}
	q.When.Equals = v
	return nil
}

// checkSet checks the fixed values against their columns.
func (f *Form) checkSet() error {
	for target, v := range f.Set {
		c, err := column(target)
		if err != nil {
			return fmt.Errorf("set: %w", err)
		}
		q := &Question{Target: target, column: c}
		typed, err := q.valueOf(v)
		if err != nil {
			return fmt.Errorf("set %s: %w", target, err)
		}
		f.Set[target] = typed
	}
	return nil
}

// checkMembers: a form that changes a member picks that member, once.
func (f *Form) checkMembers() error {
	picks, writes := 0, false
	for _, q := range f.Questions {
		if q.Kind == Member {
			picks++
		}
		writes = writes || q.Table() == "members"
	}
	if picks > 1 || (writes && picks == 0) {
		return fmt.Errorf("a form that writes members picks one member, once (it has %d member questions)", picks)
	}
	return nil
}

// checkCompute: a form that classifies a household asks what the
// classification needs, under every standard.
func (f *Form) checkCompute() error {
	switch f.Computes {
	case "":
		return nil
	case ComputePoverty:
	default:
		return fmt.Errorf("computes %q, which Hodan does not know (only %q)", f.Computes, ComputePoverty)
	}
	need := map[string]Kind{"area": Choice, "members": Integer, "income_vnd": Money}
	for id, kind := range need {
		if q, ok := f.Question(id); !ok || q.Kind != kind || !q.Required {
			return fmt.Errorf("a poverty review needs a required %s question %q", kind, id)
		}
	}
	area, _ := f.Question("area")
	for _, o := range area.Choices {
		if o.Value != string(poverty.Rural) && o.Value != string(poverty.Urban) {
			return fmt.Errorf("area %q is neither %s nor %s", o.Value, poverty.Rural, poverty.Urban)
		}
	}
	for _, std := range poverty.Standards() {
		for _, ind := range std.Indicators {
			if !f.asks("households." + ind.Column) {
				return fmt.Errorf("a poverty review under %s asks for %s (households.%s)", std.ID, ind.Code, ind.Column)
			}
		}
	}
	return nil
}

// asks reports whether a required, unconditional question fills target.
func (f *Form) asks(target string) bool {
	for _, q := range f.Questions {
		if q.Target == target && q.Required && q.When == nil {
			return true
		}
	}
	return false
}
