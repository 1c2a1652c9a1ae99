package cli

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
)

// commandPaths lists every command of hodan-server's tree, as arguments,
// and the names of all of them.
func commandPaths(t *testing.T) (paths [][]string, names []string) {
	t.Helper()
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		names = append(names, c.Name())
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
	}
	walk(rootCmd(tr{lang: i18n.VI}, nil), nil)
	if len(paths) < 30 {
		t.Fatalf("the command tree has %d commands; want every noun's and the rest", len(paths))
	}
	return paths, names
}

// serverKeys are the prefixes of the catalogue's messages hodan-server's
// commands say.
var serverKeys = []string{"server.", "report.", "target.", "findings.", "user.", "account.", "usage.", "help.", "cobra.",
	"flag.lang", "flag.json", "flag.help"}

var (
	asciiWord = regexp.MustCompile(`[A-Za-z_]{4,}`)
	word      = regexp.MustCompile(`[\pL_]+`)
)

// languageWords are the words of one language of hodan-server's
// messages: English words (four letters or more) of a message's English
// text that its Vietnamese text does not have, and Vietnamese words (with
// a letter beyond ASCII) of its Vietnamese text that its English text
// does not have. Names, flags and codes, written alike in both texts of a
// message, are neither; nor are the few words both languages write
// (sameInBoth).
func languageWords(t *testing.T) (english, vietnamese map[string]bool) {
	t.Helper()
	cat := i18n.Default()
	words := func(text string, re *regexp.Regexp) map[string]bool {
		out := map[string]bool{}
		for _, w := range re.FindAllString(text, -1) {
			out[strings.ToLower(w)] = true
		}
		return out
	}
	english, vietnamese = map[string]bool{}, map[string]bool{}
	for _, m := range cat {
		if !slices.ContainsFunc(serverKeys, func(p string) bool { return strings.HasPrefix(m.Key, p) }) {
			continue
		}
		en, vi := words(m.EN, word), words(m.VI, word)
		for w := range words(m.EN, asciiWord) {
			if !vi[w] && !slices.Contains(sameInBoth, w) {
				english[w] = true
			}
		}
		for w := range vi {
			if !en[w] && strings.IndexFunc(w, func(r rune) bool { return r > 127 }) >= 0 {
				vietnamese[w] = true
			}
		}
	}
	if len(english) < 300 || len(vietnamese) < 100 {
		t.Fatalf("%d English and %d Vietnamese words: the catalogue's server messages are missing", len(english), len(vietnamese))
	}
	return english, vietnamese
}

// sameInBoth are words Vietnamese write as English does, and values
// typed on the command line (the roles).
var sameInBoth = []string{"json", "xlsx", "sqlite", "https", "base", "pprof", "uuid", "hodan", "server",
	"admin", "operator", "viewer", "auditor"}

// flagsAndCode are what help shows alike in both languages: flags, file
// names' endings, commands between backquotes, examples between quotes,
// the shapes of JSON between braces.
var flagsAndCode = regexp.MustCompile("--?[a-z][a-z0-9-]*|\\.[a-z]+|`[^`]*`|\"[^\"]*\"|\\{[^{}]*(\\{[^{}]*\\}[^{}]*)*\\}")

// TestEveryServerHelpIsTranslated runs every command of hodan-server with
// --help in both languages, in process, and fails on a message the
// catalogue lacks, on a broken format, on an English word of the
// catalogue in the Vietnamese help and on a Vietnamese word in the English
// help.
func TestEveryServerHelpIsTranslated(t *testing.T) {
	english, vietnamese := languageWords(t)
	paths, names := commandPaths(t)
	for _, path := range paths {
		for _, l := range []string{"vi", "en"} {
			args := append(append([]string{"--lang", l}, path...), "--help")
			code, out, errs := runServer(t, "", nil, args...)
			name := strings.Join(append([]string{"hodan-server"}, path...), " ") + " --lang " + l
			if code != 0 || errs != "" || out == "" {
				t.Errorf("%s --help: exit %d, stderr %q, %d bytes of help", name, code, errs, len(out))
				continue
			}
			if m := regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.\-]+\]`).FindString(out); m != "" {
				t.Errorf("%s --help shows the key %s: a message the catalogue lacks", name, m)
			}
			if strings.Contains(out, "%!") {
				t.Errorf("%s --help has a broken format:\n%s", name, out)
			}
			text := flagsAndCode.ReplaceAllString(out, " ")
			for _, w := range word.FindAllString(text, -1) {
				lw := strings.ToLower(w)
				switch {
				case slices.Contains(names, lw):
				case l == "vi" && english[lw]:
					t.Errorf("%s --help says %q, in English:\n%s", name, w, out)
				case l == "en" && vietnamese[lw]:
					t.Errorf("%s --help says %q, in Vietnamese:\n%s", name, w, out)
				}
			}
			if want := map[string]string{"vi": "Cách dùng:", "en": "Usage:"}[l]; !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q", name, want)
			}
		}
	}
}

// TestServerCommandLineMistakesAreTranslated: cobra's and pflag's own
// errors reach the operator in Vietnamese, or in English when asked, on
// one line.
func TestServerCommandLineMistakesAreTranslated(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `không có lệnh "nope"`},
		{[]string{"device", "list", "--colour", "red"}, "không có tuỳ chọn --colour"},
		{[]string{"report", "indicators", "--period"}, "tuỳ chọn --period cần một giá trị"},
		{[]string{"audit", "history", "--db", "x.db", "--household", "x", "a"}, "không ghi cả hai"},
		{[]string{"device", "revoke"}, "lệnh này nhận đúng 1 tham số, nhưng được 0"},
		{[]string{"--lang", "en", "device", "revoke"}, "accepts 1 arg(s), received 0"},
		{[]string{"--lang", "en", "report", "indicators", "--period"}, "flag needs an argument: --period"},
	} {
		code, _, errs := runServer(t, "", nil, tc.args...)
		if code != 1 || !strings.Contains(errs, tc.want) || !strings.HasPrefix(errs, "hodan-server: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("hodan-server %v: exit %d, stderr %q; want one line saying %q", tc.args, code, errs, tc.want)
		}
	}
}
