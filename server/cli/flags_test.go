package cli

import (
	"testing"

	"hodan/internal/clitest"
	"hodan/internal/i18n"
)

func TestNoFlagTakesItsValueNameFromABackquote(t *testing.T) {
	flags, bad := clitest.BackquotedValueNames(rootCmd(tr{lang: i18n.VI}, nil))
	for _, b := range bad {
		t.Error(b)
	}
	if flags < 50 {
		t.Fatalf("%d flags in the whole tree; want every command's", flags)
	}
}
