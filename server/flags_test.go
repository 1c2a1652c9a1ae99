package main

import (
	"testing"

	"hodan/internal/clitest"
)

func TestNoFlagTakesItsValueNameFromABackquote(t *testing.T) {
	flags, bad := clitest.BackquotedValueNames(rootCmd())
	for _, b := range bad {
		t.Error(b)
	}
	if flags < 50 {
		t.Fatalf("%d flags in the whole tree; want every command's", flags)
	}
}
