package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"hodan/ops"
)

// householdsMergeCmd merges two households on the server, as `hodan
// household merge` does on a laptop, and settles the merges it holds
// (ops.MergeHouseholds): laptops receive it at their next sync.
func householdsMergeCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "merge KEEP DROP",
		Short: "Merge a household registered twice (DROP) into the one to keep (KEEP), moving its records; laptops receive it at their next sync",
		Long: `Merge a household registered twice (DROP) into the one to keep (KEEP), as
hodan household merge does on a laptop: fields KEEP lacks are taken from
DROP, DROP's members, visits, support and damage records move to KEEP,
and DROP is marked merged into KEEP (never deleted). The server then
settles the merges it holds, as every laptop does after a sync, and the
laptops of the commune receive the merge at their next sync. KEEP and
DROP are ids, or their first 8 characters or more, as hodan-server
households duplicates lists them. Safe while the server runs.

With --json: {kept, dropped, moved, changes}.`,
		Args: cobra.ExactArgs(2),
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
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "merged household %s into %s: %d records moved (%d changes)\n", m.Dropped, m.Kept, m.Moved, m.Changes)
			return err
		},
	}
	dbFlag(cmd, &db)
	jsonFlag(cmd, &asJSON)
	return cmd
}
