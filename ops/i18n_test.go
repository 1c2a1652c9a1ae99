package ops

import (
	"regexp"
	"strings"
	"testing"

	"hodan/internal/i18n"
)

// messageKey finds the keys the package asks the catalogue for:
// fail("key"), i18n.T(l, "key"), i18n.Count(l, n, "key"),
// i18n.Counted{N: n, Key: "key"}; a key followed by + is the fixed start
// of keys made at run time ("noun."+n).
var messageKey = regexp.MustCompile(`(?:\bfail\(|i18n\.T\([a-zA-Z.]+, |i18n\.Count\([a-zA-Z.]+, [a-zA-Z.()]+, |Key: )"([a-z0-9_.\-]+)"(\s*\+)?`)

// TestEveryMessageUsedIsInTheCatalogue reads the package's source for the
// keys it uses and fails on any the catalogue does not define.
func TestEveryMessageUsedIsInTheCatalogue(t *testing.T) {
	cat := i18n.Default()
	unknown, err := cat.Unknown(".", messageKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) > 0 {
		t.Errorf("messages used but not in the catalogue:\n  %s", strings.Join(unknown, "\n  "))
	}
}
