package schema

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// FuzzColumnParse parses any text as a value of any column, as an officer
// types it. Parse and Check refuse only with an *Error of code
// invalid_value naming the column; what Parse gives has the column's type;
// and a value that passes Check is formatted for people and parsed back to
// itself. Run it with
//
//	go test -run '^$' -fuzz '^FuzzColumnParse$' -fuzztime 5m -parallel 1 ./schema
func FuzzColumnParse(f *testing.F) {
	var cols []*Column
	for _, t := range Tables() {
		for i := range t.Columns {
			cols = append(cols, &t.Columns[i])
		}
	}
	f.Fuzz(func(t *testing.T, index uint16, s string) {
		c := cols[int(index)%len(cols)]
		assertInvalid(t, c, s, c.Check(s)) // as the text would arrive from a device
		v, err := c.Parse(s)
		if err != nil {
			assertInvalid(t, c, s, err)
			return
		}
		if (v == nil) != (strings.TrimSpace(s) == "") {
			t.Fatalf("%s.Parse(%q) = %#v", c.Name, s, v)
		}
		if v == nil {
			return
		}
		if got, want := goType(v), c.Type.goType(); got != want {
			t.Fatalf("%s (%s).Parse(%q) = %#v, a %s; want a %s", c.Name, c.Type, s, v, got, want)
		}
		if err := c.Check(v); err != nil {
			assertInvalid(t, c, s, err)
			return
		}
		text := c.Format(v)
		back, err := c.Parse(text)
		if err != nil || !sameValue(back, v) {
			t.Fatalf("%s: %q parses to %#v, formats as %q, parses back to %#v (%v)", c.Name, s, v, text, back, err)
		}
	})
}

// assertInvalid checks that err is nil or a refusal of s for column c.
func assertInvalid(t *testing.T, c *Column, s string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidValue || e.Column != c.Name || e.Message == "" {
		t.Fatalf("%s: %q refused with %#v, want an *Error of code %s for the column", c.Name, s, err, CodeInvalidValue)
	}
}

// goType names the Go type of a parsed value.
func goType(v any) string {
	switch v.(type) {
	case int64:
		return "int64"
	case float64:
		return "float64"
	case string:
		return "string"
	}
	return "other"
}

// goType is the Go type Parse gives for values of type t.
func (t Type) goType() string {
	switch t {
	case Integer, Bool:
		return "int64"
	case Real:
		return "float64"
	}
	return "string"
}

// sameValue compares parsed values, floats bit for bit.
func sameValue(a, b any) bool {
	fa, okA := a.(float64)
	fb, okB := b.(float64)
	if okA && okB {
		return math.Float64bits(fa) == math.Float64bits(fb)
	}
	return a == b
}
