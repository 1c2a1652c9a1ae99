package app

import (
	"testing"

	"hodan/internal/clitest"
)

// TestNoFlagTakesItsValueNameFromABackquote checks the flags' usages in
// both languages: they come from the catalogue.
func TestNoFlagTakesItsValueNameFromABackquote(t *testing.T) {
	for _, l := range []lang{langVI, langEN} {
		a := &app{env: Env{Getenv: func(string) string { return "" }}, lang: l}
		flags, bad := clitest.BackquotedValueNames(a.rootCmd())
		for _, b := range bad {
			t.Errorf("%s: %s", l, b)
		}
		if flags < 100 {
			t.Fatalf("%s: %d flags in the whole tree; want every command's", l, flags)
		}
	}
}
