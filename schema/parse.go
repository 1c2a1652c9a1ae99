package schema

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Parse converts what a person typed into a value of the column's type, or
// nil for an empty string (which clears the column). It cleans text (see
// CleanText), reads numbers as Vietnamese write them (see ParseDecimal),
// accepts yes/no in English and Vietnamese for Bool, and dates as
// YYYY-MM-DD or dd/mm/yyyy. The result still has to pass Check.
func (c *Column) Parse(s string) (any, error) {
	s = CleanText(s)
	if s == "" {
		return nil, nil
	}
	switch c.Type {
	case Integer:
		i, err := ParseWhole(s)
		if err != nil {
			return nil, c.numberError(s, err)
		}
		return i, nil
	case Real:
		f, err := ParseDecimal(s)
		if err != nil {
			return nil, c.numberError(s, err)
		}
		return f, nil
	case Bool:
		return c.parseBool(s)
	case Date:
		return c.parseDate(s)
	}
	return s, nil
}

// numberError is the refusal of s, which ParseWhole or ParseDecimal
// refused with err.
func (c *Column) numberError(s string, err error) error {
	switch {
	case errors.Is(err, ErrNumberFormat):
		return c.invalid(ReasonNumberFormat, "%s %q is "+ErrNumberFormat.Error(), c.Name, s)
	case c.Type == Integer:
		return c.invalid(ReasonWholeNumber, "%s %q is not a whole number", c.Name, s)
	}
	return c.invalid(ReasonNumber, "%s %q is not a number", c.Name, s)
}

func (c *Column) parseBool(s string) (any, error) {
	switch strings.ToLower(s) {
	case "1", "yes", "y", "true", "có", "co", "x":
		return int64(1), nil
	case "0", "no", "n", "false", "không", "khong":
		return int64(0), nil
	}
	return nil, c.invalid(ReasonYesNo, "%s %q is not yes or no (yes/no, có/không, 1/0)", c.Name, s)
}

func (c *Column) parseDate(s string) (any, error) {
	for _, layout := range []string{time.DateOnly, DateLayout, "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), nil
		}
	}
	return nil, c.invalid(ReasonDate, "%s %q is not a date (YYYY-MM-DD or dd/mm/yyyy)", c.Name, s)
}

// Format renders a value of the column for people: yes/no for Bool,
// numbers as Vietnamese write them (see ParseDecimal), grouped by
// thousands where the column holds such numbers (Grouped); the label
// beside an enumeration's value is left to the caller. Parse reads what
// Format writes back to the value.
func (c *Column) Format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		if c.Type == Bool {
			if x != 0 {
				return "yes"
			}
			return "no"
		}
		return FormatWhole(x, c.Grouped())
	case float64:
		return FormatDecimal(x, c.Grouped())
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// Grouped reports whether the column's numbers are shown grouped by
// thousands (1.500.000): a column that may hold 10,000 or more, or is
// unbounded. Years, scores and coordinates, which stay under that, are
// shown as plain digits (1985, not 1.985).
func (c *Column) Grouped() bool {
	return (c.Type == Integer || c.Type == Real) && (c.Max <= c.Min || c.Max >= 10_000)
}
