package app

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCatalogueIsComplete fails when a message lacks a translation.
func TestCatalogueIsComplete(t *testing.T) {
	cat, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) == 0 {
		t.Fatal("the message catalogue is empty")
	}
	if missing := cat.missing(); len(missing) > 0 {
		t.Errorf("messages without a translation:\n  %s", strings.Join(missing, "\n  "))
	}
	for key, texts := range cat {
		for l := range texts {
			if l != langVI && l != langEN {
				t.Errorf("message %q has a text in %q, a language Hodan does not speak", key, l)
			}
		}
	}
}

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
			if _, ok := cat[m[1]]; !ok && (m[2] == "" || !cat.hasPrefix(m[1])) {
				unknown = append(unknown, f+": "+m[1])
			}
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("messages used but not in the catalogue:\n  %s", strings.Join(unknown, "\n  "))
	}
}

// hasPrefix reports whether some key of the catalogue begins with prefix.
func (cat catalogue) hasPrefix(prefix string) bool {
	for key := range cat {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

func TestCatalogueRefusesAKeyDefinedTwice(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/a.json": {Data: []byte(`{"k": {"vi": "một", "en": "one"}}`)},
		"messages/b.json": {Data: []byte(`{"k": {"vi": "hai", "en": "two"}}`)},
	}
	if _, err := loadCatalogue(fsys); err == nil || !strings.Contains(err.Error(), `"k"`) {
		t.Fatalf("a key in two files: got %v, want an error naming it", err)
	}
}

func TestChooseLang(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		args []string
		env  func(string) string
		want lang
	}{
		{nil, env(), langVI},
		{nil, env("LANG", "C.UTF-8"), langVI},
		{nil, env("LANG", "en_US.UTF-8"), langEN},
		{nil, env("LANG", "en_US.UTF-8", "LC_ALL", "vi_VN.UTF-8"), langVI},
		{nil, env("LANG", "en_US.UTF-8", "HODAN_LANG", "vi"), langVI},
		{[]string{"status", "--lang", "en"}, env("HODAN_LANG", "vi"), langEN},
		{[]string{"--lang=vi", "status"}, env("LANG", "en_GB.UTF-8"), langVI},
	} {
		got, err := chooseLang(tc.args, tc.env)
		if err != nil || got != tc.want {
			t.Errorf("chooseLang(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	if _, err := chooseLang([]string{"--lang", "fr"}, env()); err == nil || !strings.Contains(err.Error(), "--lang vi") {
		t.Errorf("--lang fr: got %v, want an error that names the languages", err)
	}
}
