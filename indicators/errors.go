package indicators

import "hodan/internal/i18n"

// FieldError is a mistake in one thing a person gave: a report's period
// or day (Request.Resolve: "period", "from", "to", "as_of"), a target
// (SetTargets: "year", "commune", or the key of the indicator whose value
// is wrong); Field is "" for what was given as a whole. Err says what is
// wrong and what to give, in the reader's language (i18n.Explain): a
// command names the flag, a form shows it beside the field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// In says the mistake in l, without its field.
func (e *FieldError) In(l i18n.Lang) string { return i18n.Explain(l, e.Err) }

func (e *FieldError) Unwrap() error { return e.Err }
