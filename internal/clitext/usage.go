package clitext

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"hodan/internal/i18n"
)

// Localize dresses the command tree of root in l: its usage template, the
// help command and every --help flag; example is a command the help
// command's own help shows ("household add"). Call it once the tree is
// built.
func Localize(root *cobra.Command, l i18n.Lang, example string) {
	registerTemplateFuncs.Do(func() {
		cobra.AddTemplateFunc("hodanFlags", func(fs *pflag.FlagSet, l string) string { return FlagUsages(fs, i18n.Lang(l)) })
		cobra.AddTemplateFunc("hodanUse", func(use, l string) string {
			return strings.Replace(use, " [flags]", " "+i18n.T(i18n.Lang(l), "usage.flags_placeholder"), 1)
		})
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetUsageTemplate(usageTemplate(l))
	root.SetHelpCommand(&cobra.Command{
		Use:   i18n.T(l, "help.use"),
		Short: i18n.T(l, "help.short"),
		Long:  i18n.T(l, "help.long", root.Name(), example),
		Run: func(c *cobra.Command, args []string) {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				c.Println(i18n.T(l, "help.unknown_topic", strings.Join(args, " ")))
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
		c.Flags().Lookup("help").Usage = i18n.T(l, "flag.help", c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// registerTemplateFuncs adds the template functions once: cobra keeps
// them for the whole process, whatever the language of a tree.
var registerTemplateFuncs sync.Once

// usageTemplate is cobra's usage template in l.
func usageTemplate(l i18n.Lang) string {
	t := func(key string, args ...any) string { return i18n.T(l, key, args...) }
	return t("usage.heading") + `:{{if .Runnable}}
  {{hodanUse .UseLine "` + string(l) + `"}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} ` + t("usage.command_placeholder") + `{{end}}{{if .HasExample}}

` + t("usage.examples") + `:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

` + t("usage.commands") + `:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

` + t("usage.flags") + `:
{{hodanFlags .LocalFlags "` + string(l) + `" | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

` + t("usage.global_flags") + `:
{{hodanFlags .InheritedFlags "` + string(l) + `" | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

` + t("usage.more", "{{.CommandPath}}") + `{{end}}
`
}

// FlagUsages lists flags as pflag does, with the kinds of value and the
// defaults in l.
func FlagUsages(fs *pflag.FlagSet, l i18n.Lang) string {
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
		if t := i18n.T(l, "usage.type."+varname); varname != "" && !strings.Contains(f.Usage, "`") && !strings.HasPrefix(t, "[") {
			varname = t
		}
		if varname != "" {
			left += " " + varname
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "[]" {
			if f.Value.Type() == "string" {
				d = fmt.Sprintf("%q", d)
			}
			usage += " " + i18n.T(l, "usage.default", d)
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
