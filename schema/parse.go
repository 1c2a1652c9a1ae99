package schema

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parse converts what a person typed into a value of the column's type, or
// nil for an empty string (which clears the column). It accepts yes/no in
// English and Vietnamese for Bool, and dates as YYYY-MM-DD or dd/mm/yyyy.
// The result still has to pass Check.
func (c *Column) Parse(s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch c.Type {
	case Integer:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, c.invalid(ReasonWholeNumber, "%s %q is not a whole number", c.Name, s)
		}
		return i, nil
	case Real:
		f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil {
			return nil, c.invalid(ReasonNumber, "%s %q is not a number", c.Name, s)
		}
		return f, nil
	case Bool:
		return c.parseBool(s)
	case Date:
		return c.parseDate(s)
	}
	return s, nil
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
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), nil
		}
	}
	return nil, c.invalid(ReasonDate, "%s %q is not a date (YYYY-MM-DD or dd/mm/yyyy)", c.Name, s)
}

// Format renders a value of the column for people: yes/no for Bool, the
// label beside an enumeration's value is left to the caller.
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
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
