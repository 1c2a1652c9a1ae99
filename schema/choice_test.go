package schema

import (
	"strings"
	"testing"
)

// TestEveryChoiceHasAnEnglishLabel checks that every choice of every
// enumeration has a Vietnamese and an English label, the English one not
// the value itself, with or without its underscores ("near poor"): the
// English pages show it, and their tests refuse a code where it belongs.
func TestEveryChoiceHasAnEnglishLabel(t *testing.T) {
	for _, tbl := range Tables() {
		for _, c := range tbl.Columns {
			for _, ch := range c.Enum {
				code := strings.ReplaceAll(ch.Value, "_", " ")
				if ch.Label == "" || ch.EN == "" || ch.EN == code || ch.EN == ch.Value {
					t.Errorf("%s.%s: choice %q has labels %q / %q", tbl.Name, c.Name, ch.Value, ch.Label, ch.EN)
				}
				if got := c.ChoiceLabelIn("en", ch.Value); got != ch.EN {
					t.Errorf("%s.%s: %q in English is %q", tbl.Name, c.Name, ch.Value, got)
				}
			}
		}
	}
}
