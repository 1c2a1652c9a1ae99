package forms

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hodan/schema"
)

// AnswerError is an answer a question does not take. Code is stable, for
// the command line to explain in the officer's language; Min, Max and
// Detail fill in the explanation.
type AnswerError struct {
	Code     string
	Min, Max float64
	// Detail is what a column's rule said, in English, for CodeInvalid,
	// and Err the rule's error itself (a *schema.Error).
	Detail string
	Err    error
}

// Unwrap returns the column's error behind CodeInvalid, if any.
func (e *AnswerError) Unwrap() error { return e.Err }

// Codes of AnswerError.
const (
	CodeRequired   = "required"
	CodeNotNumber  = "not_number"
	CodeNotMoney   = "not_money"
	CodeNotYesNo   = "not_yes_no"
	CodeNotDate    = "not_date"
	CodeNotChoice  = "not_choice"
	CodeOutOfRange = "out_of_range"
	CodeTooLong    = "too_long"
	CodeInvalid    = "invalid"
)

// Error says what was wrong, in English.
func (e *AnswerError) Error() string {
	switch e.Code {
	case CodeOutOfRange:
		return fmt.Sprintf("must be between %s and %s", fmtNum(e.Min), fmtNum(e.Max))
	case CodeTooLong:
		return fmt.Sprintf("at most %s characters", fmtNum(e.Max))
	case CodeInvalid:
		return e.Detail
	}
	return strings.ReplaceAll(e.Code, "_", " ")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Parse reads what the officer typed as an answer: nil for an empty
// answer to an optional question, else a string (choice value, text, date
// as YYYY-MM-DD, member id), an int64 (integer, money), a float64 (number)
// or a bool (yes/no), checked against the question's rules and its target
// column's. A choice can be typed as its number in the list. A member
// question takes the member's id: the caller maps a typed number to it.
func (q *Question) Parse(input string) (any, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		if q.Required {
			return nil, &AnswerError{Code: CodeRequired}
		}
		return nil, nil
	}
	v, err := q.parse(s)
	if err != nil {
		return nil, err
	}
	return v, q.check(v)
}

func (q *Question) parse(s string) (any, error) {
	switch q.Kind {
	case Choice:
		return q.parseChoice(s)
	case YesNo:
		return parseYesNo(s)
	case Integer:
		i, err := schema.ParseWhole(s)
		if err != nil {
			return nil, &AnswerError{Code: CodeNotNumber, Err: err}
		}
		return i, nil
	case Money:
		return ParseMoney(s)
	case Number:
		f, err := schema.ParseDecimal(s)
		if err != nil {
			return nil, &AnswerError{Code: CodeNotNumber, Err: err}
		}
		return f, nil
	case Date:
		for _, layout := range []string{time.DateOnly, schema.DateLayout, "2/1/2006"} {
			if d, err := time.Parse(layout, s); err == nil {
				return d.Format(time.DateOnly), nil
			}
		}
		return nil, &AnswerError{Code: CodeNotDate}
	}
	return schema.CleanText(s), nil
}

func (q *Question) parseChoice(s string) (any, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(q.Choices) {
		return q.Choices[n-1].Value, nil
	}
	for _, o := range q.Choices {
		if strings.EqualFold(o.Value, s) {
			return o.Value, nil
		}
	}
	return nil, &AnswerError{Code: CodeNotChoice, Min: 1, Max: float64(len(q.Choices))}
}

func parseYesNo(s string) (any, error) {
	switch strings.ToLower(s) {
	case "c", "có", "co", "y", "yes", "1", "x", "true":
		return true, nil
	case "k", "không", "khong", "n", "no", "0", "false":
		return false, nil
	}
	return nil, &AnswerError{Code: CodeNotYesNo}
}

// ParseMoney reads an amount of đồng as officers write it, numbers as
// schema.ParseWhole reads them: 1.200.000, 1 200 000, 1200000 đ, or in
// millions as 1,2tr / 1,2 triệu.
func ParseMoney(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, unit := range []string{"vnd", "đồng", "dong", "đ"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	for _, unit := range []string{"triệu", "trieu", "tr"} {
		if m, ok := strings.CutSuffix(s, unit); ok {
			f, err := schema.ParseDecimal(m)
			if err != nil || f < 0 || f > 1e9 {
				return 0, &AnswerError{Code: CodeNotMoney, Err: err}
			}
			return int64(math.Round(f * 1e6)), nil
		}
	}
	n, err := schema.ParseWhole(s)
	if err != nil {
		return 0, &AnswerError{Code: CodeNotMoney, Err: err}
	}
	return n, nil
}

// check checks a parsed answer against the question's bounds and its
// target column's rule.
func (q *Question) check(v any) error {
	f, numeric := 0.0, false
	switch x := v.(type) {
	case int64:
		f, numeric = float64(x), true
	case float64:
		f, numeric = x, true
	case string:
		if n := utf8.RuneCountInString(x); q.MaxLen > 0 && n > q.MaxLen {
			return &AnswerError{Code: CodeTooLong, Max: float64(q.MaxLen)}
		}
		if q.Kind == Choice && !q.hasChoice(x) {
			return &AnswerError{Code: CodeNotChoice, Min: 1, Max: float64(len(q.Choices))}
		}
	}
	if numeric && (q.Min != nil && f < *q.Min || q.Max != nil && f > *q.Max) {
		return &AnswerError{Code: CodeOutOfRange, Min: bound(q.Min, q.column, true), Max: bound(q.Max, q.column, false)}
	}
	col := q.column
	if col == nil {
		if _, isText := v.(string); !isText || q.Kind == Choice || q.Kind == Date {
			return nil
		}
		col = &schema.Column{Name: q.ID, Type: schema.Text} // the rule every text obeys
	}
	if err := col.Check(ColumnValue(v)); err != nil {
		var se *schema.Error
		if errors.As(err, &se) && col.Max > col.Min && (q.Kind == Integer || q.Kind == Money || q.Kind == Number) {
			return &AnswerError{Code: CodeOutOfRange, Min: col.Min, Max: col.Max}
		}
		return &AnswerError{Code: CodeInvalid, Detail: err.Error(), Err: err}
	}
	return nil
}

// bound is the question's own bound, else its column's.
func bound(own *float64, c *schema.Column, isMin bool) float64 {
	switch {
	case own != nil:
		return *own
	case c != nil && isMin:
		return c.Min
	case c != nil:
		return c.Max
	case isMin:
		return math.Inf(-1)
	}
	return math.Inf(1)
}

// valueOf turns a value from a file (JSON) into the question's answer, and
// checks it.
func (q *Question) valueOf(v any) (any, error) {
	var out any
	switch x := v.(type) {
	case bool:
		out = x
	case float64:
		if q.Kind == Number || (q.column != nil && q.column.Type == schema.Real) {
			out = x
		} else {
			out = int64(x)
		}
	case string:
		out = x
	default:
		return nil, fmt.Errorf("%v is not a value a form can hold", v)
	}
	if b, ok := out.(bool); ok && q.column != nil && q.column.Type != schema.Bool {
		return nil, fmt.Errorf("%v is not a value of %s", b, q.Target)
	}
	return out, q.check(out)
}

// ColumnValue is an answer as a column stores it: a yes/no as 1 or 0.
func ColumnValue(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

func (q *Question) hasChoice(v string) bool {
	for _, o := range q.Choices {
		if o.Value == v {
			return true
		}
	}
	return false
}
