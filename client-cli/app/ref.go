package app

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"hodan/schema"
)

// refCmd lists the reference data officers need to fill codes.
func (a *app) refCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ref", Short: "Reference lists: ethnic groups, projects of program 1719, communes"}
	cmd.AddCommand(
		&cobra.Command{
			Use: "ethnic-groups", Short: "The 54 ethnic groups and their codes (QĐ 121)", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				groups := schema.EthnicGroups()
				if a.json {
					return printJSON(cmd.OutOrStdout(), groups)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CODE\tNAME\tOTHER NAMES")
				for _, g := range groups {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Code, g.Name, g.OtherNames)
				}
				return tw.Flush()
			},
		},
		&cobra.Command{
			Use: "projects", Short: "The projects, subprojects and contents of program 1719", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				projects := schema.Projects1719()
				if a.json {
					return printJSON(cmd.OutOrStdout(), projects)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CODE\tNAME")
				for _, p := range projects {
					fmt.Fprintf(tw, "%s\t%s\n", p.Code, p.Name)
				}
				return tw.Flush()
			},
		},
		&cobra.Command{
			Use: "communes [NAME…]", Short: "Communes since 1 July 2025 whose name contains the words given",
			RunE: func(cmd *cobra.Command, args []string) error {
				want := strings.ToLower(strings.Join(args, " "))
				var found []schema.Commune
				for _, c := range schema.Communes2025() {
					if strings.Contains(strings.ToLower(c.Name+" "+c.ProvinceName), want) {
						found = append(found, c)
					}
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), found)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CODE\tCOMMUNE\tPROVINCE")
				for _, c := range found {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Code, c.Name, c.ProvinceName)
				}
				return tw.Flush()
			},
		},
	)
	return cmd
}
