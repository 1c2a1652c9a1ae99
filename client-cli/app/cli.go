package app

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"hodan/internal/i18n"
)

// msgError is an error whose text is catalogue message key formatted with
// args, said in the officer's language when it is shown (see explainIn):
// the catalogue's keyed error (i18n.Error). Functions that do not know the
// language return it. An arg that is an error is shown explained in the
// same language, and a %w in the message wraps it, as with fmt.Errorf; a
// noun arg is shown as the word for the noun.
type msgError = i18n.Error

// errMsg makes an error of message key with args.
func errMsg(key string, args ...any) error { return i18n.NewError(key, args...) }

// localArgs are args as shown in l: errors explained (nouns and other
// i18n.Localizers are said by i18n.T).
func localArgs(l lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if err, ok := a.(error); ok {
			out[i] = explainIn(l, err)
		} else {
			out[i] = a
		}
	}
	return out
}

// noun is a record noun (household, member, ...) as an argument of a
// message: shown as the word for it in the officer's language.
type noun string

// In is the word for the noun in l.
func (n noun) In(l lang) string { return i18n.T(l, "noun."+string(n)) }

// countIn is n of something as catalogue message key says it: the message
// may give the singular before a "|" and the plural after ("1 change|%d
// changes"); a message without "|" is one form for every n.
func countIn(l lang, n int, key string) string { return i18n.Count(l, n, key) }

// count is n of something in the officer's language (see count).
func (a *app) count(n int, key string) string { return countIn(a.lang, n, key) }

// localize dresses the command tree in the officer's language: its usage
// template, the help command and every --help flag.
func (a *app) localize(root *cobra.Command) {
	registerTemplateFuncs.Do(func() {
		cobra.AddTemplateFunc("hodanFlags", func(fs *pflag.FlagSet, l string) string { return flagUsages(fs, lang(l)) })
		cobra.AddTemplateFunc("hodanUse", func(use, l string) string {
			return strings.Replace(use, " [flags]", " "+tr(lang(l), "usage.flags_placeholder"), 1)
		})
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetUsageTemplate(a.usageTemplate())
	root.SetHelpCommand(&cobra.Command{
		Use:   a.T("help.use"),
		Short: a.T("help.short"),
		Long:  a.T("help.long"),
		Run: func(c *cobra.Command, args []string) {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				c.Println(a.T("help.unknown_topic", strings.Join(args, " ")))
				cmd = c.Root()
			}
			cmd.InitDefaultHelpFlag()
			_ = cmd.Help()
		},
	})
	root.InitDefaultHelpCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.Flags().Lookup("help").Usage = a.T("flag.help", c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

var registerTemplateFuncs sync.Once

// usageTemplate is cobra's usage template in the officer's language.
func (a *app) usageTemplate() string {
	return a.T("usage.heading") + `:{{if .Runnable}}
  {{hodanUse .UseLine "` + string(a.lang) + `"}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} ` + a.T("usage.command_placeholder") + `{{end}}{{if .HasExample}}

` + a.T("usage.examples") + `:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

` + a.T("usage.commands") + `:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

` + a.T("usage.flags") + `:
{{hodanFlags .LocalFlags "` + string(a.lang) + `" | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

` + a.T("usage.global_flags") + `:
{{hodanFlags .InheritedFlags "` + string(a.lang) + `" | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

` + a.T("usage.more", "{{.CommandPath}}") + `{{end}}
`
}

// flagUsages lists flags as pflag does, with the kinds of value and the
// defaults in l.
func flagUsages(fs *pflag.FlagSet, l lang) string {
	type line struct{ left, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if t := tr(l, "usage.type."+varname); varname != "" && !strings.Contains(f.Usage, "`") && !strings.HasPrefix(t, "[") {
			varname = t
		}
		if varname != "" {
			left += " " + varname
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "[]" {
			if f.Value.Type() == "string" {
				d = fmt.Sprintf("%q", d)
			}
			usage += " " + tr(l, "usage.default", d)
		}
		width = max(width, utf8.RuneCountInString(left))
		lines = append(lines, line{left, usage})
	})
	var b strings.Builder
	for _, ln := range lines {
		pad := width - utf8.RuneCountInString(ln.left)
		fmt.Fprintf(&b, "%s%s   %s\n", ln.left, strings.Repeat(" ", pad), ln.usage)
	}
	return b.String()
}

// lowerFirst is s with its first letter in lower case, for a label in
// the middle of a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// upperFirst is s with its first letter in upper case, for a label that
// begins a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// usageError is a mistake on the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() + " (see --help)" }
func (e usageError) Unwrap() error { return e.err }
