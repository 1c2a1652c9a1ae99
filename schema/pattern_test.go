package schema

import (
	"regexp"
	"testing"
)

// TestEveryPatternCompiles: a column's pattern is compiled on its first
// match, so a typo in one would only show when someone types a value.
func TestEveryPatternCompiles(t *testing.T) {
	n := 0
	for _, tbl := range Tables() {
		for _, c := range tbl.Columns {
			if c.Pattern == nil {
				continue
			}
			n++
			if _, err := regexp.Compile(c.Pattern.expr); err != nil {
				t.Errorf("%s.%s: %v", tbl.Name, c.Name, err)
			}
		}
	}
	if n == 0 {
		t.Error("no column has a pattern")
	}
}
