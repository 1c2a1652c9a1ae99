package i18n

import (
	"errors"
	"strings"
	"testing"
)

// TestCatalogueIsComplete fails when a message lacks a translation.
func TestCatalogueIsComplete(t *testing.T) {
	cat := Default()
	if len(cat) == 0 {
		t.Fatal("the message catalogue is empty")
	}
	if missing := cat.Missing(); len(missing) > 0 {
		t.Errorf("messages without a translation:\n  %s", strings.Join(missing, "\n  "))
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
		want Lang
	}{
		{nil, env(), VI},
		{nil, env("LANG", "C.UTF-8"), VI},
		{nil, env("LANG", "en_US.UTF-8"), EN},
		{nil, env("LANG", "en_US.UTF-8", "LC_ALL", "vi_VN.UTF-8"), VI},
		{nil, env("LANG", "en_US.UTF-8", "HODAN_LANG", "vi"), VI},
		{[]string{"status", "--lang", "en"}, env("HODAN_LANG", "vi"), EN},
		{[]string{"--lang=vi", "status"}, env("LANG", "en_GB.UTF-8"), VI},
	} {
		got, err := Choose(tc.args, tc.env)
		if err != nil || got != tc.want {
			t.Errorf("Choose(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	if _, err := Choose([]string{"--lang", "fr"}, env()); err == nil || !strings.Contains(err.Error(), "--lang vi") {
		t.Errorf("--lang fr: got %v, want an error that names the languages", err)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                        VI,
		"vi-VN,vi;q=0.9,en;q=0.8": VI,
		"en-US,en;q=0.9,vi;q=0.8": EN,
		"fr-FR,fr;q=0.9,en;q=0.5": EN,
		"fr-FR":                   VI,
		"EN-gb":                   EN,
	} {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		l        Lang
		vi, want string
	}{
		{VI, "1.234,5", "1.234,5"}, {EN, "1.234,5", "1,234.5"}, {EN, "12,5%", "12.5%"}, {EN, "40.000.000", "40,000,000"},
	} {
		if got := Number(tc.l, tc.vi); got != tc.want {
			t.Errorf("Number(%s, %q) = %q, want %q", tc.l, tc.vi, got, tc.want)
		}
	}
}

func TestExplainSaysNestedErrorsInTheReadersLanguage(t *testing.T) {
	inner := Errorf("usage.default", "x")
	outer := Errorf("usage.default", inner)
	if got, want := Explain(EN, outer), T(EN, "usage.default", T(EN, "usage.default", "x")); got != want {
		t.Errorf("Explain(EN) = %q, want %q", got, want)
	}
	if got, want := outer.Error(), T(VI, "usage.default", T(VI, "usage.default", "x")); got != want {
		t.Errorf("Error() = %q, want the Vietnamese %q", got, want)
	}
	if !errors.Is(outer, inner) {
		t.Error("an Error does not wrap the error among its args")
	}
}
