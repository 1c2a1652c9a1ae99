package app

import (
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestNoFlagTakesItsValueNameFromABackquote: pflag shows a word in
// backquotes in a flag's usage as the name of the flag's value (see
// flagUsages), so a usage that quotes a command in backquotes shows that
// command as what to type after the flag.
func TestNoFlagTakesItsValueNameFromABackquote(t *testing.T) {
	for _, l := range []lang{langVI, langEN} {
		a := &app{env: Env{Getenv: func(string) string { return "" }}, lang: l}
		flags := 0
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			check := func(f *pflag.Flag) {
				flags++
				if name, usage := pflag.UnquoteUsage(f); usage != f.Usage {
					t.Errorf("%s --%s (%s): --help names its value %q, from the backquotes of its usage %q", c.CommandPath(), f.Name, l, name, f.Usage)
				}
			}
			c.Flags().VisitAll(check)
			c.PersistentFlags().VisitAll(check)
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(a.rootCmd())
		if flags < 100 {
			t.Fatalf("%s: %d flags in the whole tree; want every command's", l, flags)
		}
	}
}
