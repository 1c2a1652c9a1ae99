package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/syncengine"
)

// householdMergeCmd merges two households (see ops.MergeHouseholds for
// the rule: a merge points the dropped household at the kept one, and
// every replica settles merges alike).
func (a *app) householdMergeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.T("merge.use"),
		Short: a.T("merge.short"),
		Long:  a.T("merge.long"),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				m, err := ops.MergeHouseholds(ctx, db, dev.Actor(), args[0], args[1])
				if errors.Is(err, ops.ErrMergeSame) {
					return usageError{err}
				}
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), map[string]any{"kept": m.Kept, "dropped": m.Dropped, "moved": m.Moved, "changes": m.Changes})
				}
				fmt.Fprintln(cmd.OutOrStdout(), a.T("merge.done", m.Dropped, m.Kept, a.count(m.Moved, "count.record")))
				return nil
			})
		},
	}
}
