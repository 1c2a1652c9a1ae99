package app

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// commandPaths lists every command of the real tree, as arguments.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	a := &app{env: Env{Getenv: func(string) string { return "" }}, lang: langVI}
	var out [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		out = append(out, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(a.rootCmd(), nil)
	if len(out) < 30 {
		t.Fatalf("the command tree has %d commands; want every noun's and the rest", len(out))
	}
	return out
}

// untranslatedKey is a message key the catalogue lacks, as tr shows it.
var untranslatedKey = regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.\-]+\]`)

// englishInVietnamese are words of cobra, pflag and Hodan's English help
// that the Vietnamese help must not show.
var englishInVietnamese = []string{"Usage:", "Flags:", "Global Flags", "Available Commands", "help for", "[flags]", "[command]",
	"for more information", " string ", " int ", " float ", "(default ", "Record a new", "List ", "this laptop", "[required]"}

// TestEveryHelpIsTranslated runs every command of the real tree with
// --help in both languages and fails on a message the catalogue lacks, on
// English in the Vietnamese help, and on help that is not the language
// asked for.
func TestEveryHelpIsTranslated(t *testing.T) {
	for _, path := range commandPaths(t) {
		for _, l := range []string{"vi", "en"} {
			args := append(append([]string{"--lang", l}, path...), "--help")
			var out, errOut bytes.Buffer
			code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
			name := strings.Join(append([]string{"hodan"}, path...), " ") + " --lang " + l
			text := out.String()
			if code != 0 || errOut.Len() > 0 || text == "" {
				t.Errorf("%s --help: exit %d, stderr %q, %d bytes of help", name, code, errOut.String(), len(text))
				continue
			}
			if m := untranslatedKey.FindString(text); m != "" {
				t.Errorf("%s --help shows the key %s: a message the catalogue lacks", name, m)
			}
			if strings.Contains(text, "%!") {
				t.Errorf("%s --help has a broken format:\n%s", name, text)
			}
			switch l {
			case "vi":
				for _, w := range englishInVietnamese {
					if strings.Contains(text, w) {
						t.Errorf("%s --help says %q, in English:\n%s", name, w, text)
					}
				}
				if first, _, _ := strings.Cut(text, "\n"); len(path) == 2 && strings.Contains(strings.ReplaceAll(first, "hodan "+path[0], ""), " "+path[0]+" ") {
					t.Errorf("%s --help names the record in English: %q", name, first)
				}
				if !strings.Contains(text, "Cách dùng:") {
					t.Errorf("%s --help lacks \"Cách dùng:\":\n%s", name, text)
				}
			case "en":
				if !strings.Contains(text, "Usage:") || strings.Contains(text, "Cách dùng") {
					t.Errorf("%s --help is not in English:\n%s", name, text)
				}
			}
		}
	}
}

// TestCommandLineMistakesAreTranslated checks cobra's and pflag's own
// errors reach the officer in Vietnamese.
func TestCommandLineMistakesAreTranslated(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `không có lệnh "nope"`},
		{[]string{"status", "--colour", "red"}, "không có tuỳ chọn --colour"},
		{[]string{"household", "list", "--limit"}, "tuỳ chọn --limit cần một giá trị"},
		{[]string{"household", "list", "--limit", "many"}, `giá trị "many" không hợp lệ cho tuỳ chọn`},
		{[]string{"household", "show"}, "lệnh này nhận đúng 1 tham số, nhưng được 0"},
		{[]string{"household", "set", "x"}, "lệnh này cần ít nhất 2 tham số"},
	} {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), tc.args, Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
		if code != 1 || !strings.Contains(errOut.String(), tc.want) || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("hodan %v: exit %d, stderr %q; want one line saying %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}
