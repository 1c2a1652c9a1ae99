package app

import (
	"strings"

	"github.com/spf13/cobra"

	"hodan/reconcile"
	"hodan/schema"
)

// refCmd lists the reference data officers need to fill codes.
func (a *app) refCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ref", Short: a.T("ref.short")}
	cmd.AddCommand(
		a.refList("ethnic-groups", a.T("ref.ethnic_groups"), cobra.NoArgs, func([]string) (any, [][]string) {
			groups := schema.EthnicGroups()
			rows := [][]string{{a.T("ref.head_code"), a.T("ref.head_name"), a.T("ref.head_other_names")}}
			for _, g := range groups {
				rows = append(rows, []string{g.Code, g.Name, g.OtherNames})
			}
			return groups, rows
		}),
		a.refList("projects", a.T("ref.projects"), cobra.NoArgs, func([]string) (any, [][]string) {
			projects := schema.Projects1719()
			rows := [][]string{{a.T("ref.head_code"), a.T("ref.head_name")}}
			for _, p := range projects {
				rows = append(rows, []string{p.Code, p.NameIn(string(a.lang))})
			}
			return projects, rows
		}),
		a.refList(a.T("ref.communes_use"), a.T("ref.communes"), cobra.ArbitraryArgs, func(args []string) (any, [][]string) {
			want := reconcile.Fold(strings.Join(args, " "))
			found := []schema.Commune{}
			rows := [][]string{{a.T("ref.head_code"), a.T("ref.head_commune"), a.T("ref.head_province")}}
			for _, c := range schema.Communes2025() {
				if strings.Contains(reconcile.Fold(c.Name+" "+c.ProvinceName), want) {
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
			_, err := fitTable(cmd.OutOrStdout(), terminalWidth(cmd.OutOrStdout()), rows[0], rows[1:], 1)
			return err
		},
	}
}
