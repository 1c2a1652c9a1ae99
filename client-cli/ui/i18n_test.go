package ui

import (
	"regexp"
	"strings"
	"testing"

	"hodan/internal/i18n"
)

// messageKey finds the keys the package's Go files ask the catalogue
// for; a key followed by + is the fixed start of keys made at run time
// ("ui.add." + table).
var messageKey = regexp.MustCompile(`(?:i18n\.T\([a-zA-Z.]+, |i18n\.Count\([a-zA-Z.]+, [a-zA-Z.()]+, |w\.T\(|\bt\(|done\(|failed\(|Key: |NewError\()"([a-z0-9_.\-]+)"(\s*\+)?`)

// templateKey finds the keys the templates ask for: {{t "key"}},
// (count n "key"), and keys made with printf.
var templateKey = regexp.MustCompile(`(?:\bt |count [.$A-Za-z]+ |printf )"([a-z0-9_.\-]+)(%s)?"`)

// TestEveryMessageUsedIsInTheCatalogue fails on a key the package's code
// or templates use that the catalogue does not define.
func TestEveryMessageUsedIsInTheCatalogue(t *testing.T) {
	cat := i18n.Default()
	var unknown []string
	for dir, pattern := range map[string]*regexp.Regexp{".": messageKey} {
		u, err := cat.Unknown(dir, pattern)
		if err != nil {
			t.Fatal(err)
		}
		unknown = append(unknown, u...)
	}
	names, err := files.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		src, err := files.ReadFile("templates/" + n.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(src), -1) {
			if !cat.Has(m[1]) && (m[2] == "" || !cat.HasPrefix(m[1])) {
				unknown = append(unknown, n.Name()+": "+m[1])
			}
		}
	}
	if len(unknown) > 0 {
		t.Errorf("messages used but not in the catalogue:\n  %s", strings.Join(unknown, "\n  "))
	}
}
