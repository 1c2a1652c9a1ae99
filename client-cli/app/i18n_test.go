package app

import (
	"regexp"
	"strings"
	"testing"
)

// messageKey finds the keys the code asks the catalogue for: a.T("key"),
// a.Errorf("key"), tr(l, "key"), errMsg("key"); a key followed by + is the
// fixed start of keys made at run time ("noun."+n).
var messageKey = regexp.MustCompile(`(?:\.T|\.Errorf|\btr|\berrMsg)\((?:[a-zA-Z.]+, )?"([a-z0-9_.\-]+)"(\s*\+)?`)

// TestEveryMessageUsedIsInTheCatalogue reads the package's source for the
// keys it uses and fails on any the catalogue does not define.
func TestEveryMessageUsedIsInTheCatalogue(t *testing.T) {
	cat := messages()
	unknown, err := cat.Unknown(".", messageKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) > 0 {
		t.Errorf("messages used but not in the catalogue:\n  %s", strings.Join(unknown, "\n  "))
	}
}
