package app

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
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
	cat, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var unknown []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageKey.FindAllStringSubmatch(string(src), -1) {
			if _, ok := cat[m[1]]; !ok && (m[2] == "" || !cat.HasPrefix(m[1])) {
				unknown = append(unknown, f+": "+m[1])
			}
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("messages used but not in the catalogue:\n  %s", strings.Join(unknown, "\n  "))
	}
}
