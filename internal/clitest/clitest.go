// Package clitest holds the checks that both of Hodan's command trees,
// hodan's and hodan-server's, are held to in their tests.
package clitest

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// BackquotedValueNames walks every flag of root and its subcommands and
// returns how many it saw, and one line for each flag whose --help takes
// its value's name from the backquotes of its usage: pflag shows a word in
// backquotes as what to type after the flag, so a usage that quoted
// `hodan-server tls` made --help say "--tls-cert hodan-server tls".
func BackquotedValueNames(root *cobra.Command) (flags int, bad []string) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			flags++
			if name, usage := pflag.UnquoteUsage(f); usage != f.Usage {
				bad = append(bad, fmt.Sprintf("%s --%s: --help names its value %q, from the backquotes of its usage %q", c.CommandPath(), f.Name, name, f.Usage))
			}
		}
		c.Flags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return flags, bad
}
