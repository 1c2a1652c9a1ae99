package main

import (
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestNoFlagTakesItsValueNameFromABackquote: pflag shows a word in
// backquotes in a flag's usage as the name of the flag's value, so
// "see `hodan-server tls`" made --help say "--tls-cert hodan-server tls".
func TestNoFlagTakesItsValueNameFromABackquote(t *testing.T) {
	flags := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			flags++
			if name, usage := pflag.UnquoteUsage(f); usage != f.Usage {
				t.Errorf("%s --%s: --help names its value %q, from the backquotes of its usage %q", c.CommandPath(), f.Name, name, f.Usage)
			}
		}
		c.Flags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(rootCmd())
	if flags < 50 {
		t.Fatalf("%d flags in the whole tree; want every command's", flags)
	}
}
