package app

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"hodan/schema"
)

// refCmd lists the reference data officers need to fill codes.
func (a *app) refCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ref", Short: "Reference lists: ethnic groups, projects of program 1719, communes"}
	cmd.AddCommand(
		a.refList("ethnic-groups", "The 54 ethnic groups and their codes (QĐ 121)", cobra.NoArgs, func([]string) (any, [][]string) {
			groups := schema.EthnicGroups()
			rows := [][]string{{"CODE", "NAME", "OTHER NAMES"}}
			for _, g := range groups {
				rows = append(rows, []string{g.Code, g.Name, g.OtherNames})
			}
			return groups, rows
		}),
		a.refList("projects", "The projects, subprojects and contents of program 1719", cobra.NoArgs, func([]string) (any, [][]string) {
			projects := schema.Projects1719()
			rows := [][]string{{"CODE", "NAME"}}
			for _, p := range projects {
				rows = append(rows, []string{p.Code, p.Name})
			}
			return projects, rows
		}),
		a.refList("communes [NAME…]", "Communes since 1 July 2025 whose name or province contains the words given", cobra.ArbitraryArgs, func(args []string) (any, [][]string) {
			want := strings.ToLower(strings.Join(args, " "))
			found := []schema.Commune{}
			rows := [][]string{{"CODE", "COMMUNE", "PROVINCE"}}
			for _, c := range schema.Communes2025() {
				if strings.Contains(strings.ToLower(c.Name+" "+c.ProvinceName), want) {
					found = append(found, c)
					rows = append(rows, []string{c.Code, c.Name, c.ProvinceName})
				}
			}
			return found, rows
		}),
	)
	return cmd
}

// refList is a command that prints a reference list: list returns it as
// data for --json and as rows of text, the header first.
func (a *app) refList(use, short string, args cobra.PositionalArgs, list func(args []string) (any, [][]string)) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, Args: args,
		RunE: func(cmd *cobra.Command, args []string) error {
			data, rows := list(args)
			if a.json {
				return printJSON(cmd.OutOrStdout(), data)
			}
			return printRows(cmd.OutOrStdout(), rows)
		},
	}
}

func printRows(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
