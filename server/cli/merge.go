package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"hodan/ops"
)

// householdsMergeCmd merges two households on the server, as `hodan
// household merge` does on a laptop, and settles the merges it holds
// (ops.MergeHouseholds): laptops receive it at their next sync.
func householdsMergeCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.households.merge.use"),
		Short: t.T("server.households.merge.short"),
		Long:  t.T("server.households.merge.long"),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := openExisting(cmd.Context(), db, false)
			if err != nil {
				return err
			}
			defer d.Close()
			m, err := ops.MergeHouseholds(cmd.Context(), d, ops.Actor{}, args[0], args[1])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), t.T("server.households.merged", m.Dropped, m.Kept, m.Moved, m.Changes))
			return err
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}
