package schema

import (
	"regexp"
	"sync"
)

// Pattern is a regular expression a Text value must match in full. It is
// compiled the first time it matches, not when a program starts: the
// schema declares every column at start, and most runs check no phone
// number. It is safe for concurrent use.
type Pattern struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// NewPattern is the Pattern of expr, which must be a regular expression:
// the first match panics otherwise (the schema's tests compile every
// column's pattern).
func NewPattern(expr string) *Pattern { return &Pattern{expr: expr} }

// MatchString reports whether s matches p.
func (p *Pattern) MatchString(s string) bool {
	p.once.Do(func() { p.re = regexp.MustCompile(p.expr) })
	return p.re.MatchString(s)
}
