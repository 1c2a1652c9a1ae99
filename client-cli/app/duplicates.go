package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"hodan/reconcile"
	"hodan/syncengine"
)

func (a *app) householdDuplicatesCmd() *cobra.Command {
	var minScore float64
	cmd := &cobra.Command{
		Use:   "duplicates [--min-score S]",
		Short: "List households that may be one family registered twice, in this laptop's communes",
		Long: reconcile.PairsHelp + `

It reads only this laptop's database, offline: what other officers
recorded is here after a sync. To make a pair one household:
hodan household merge KEEP DROP.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if minScore < 0 || minScore > 1 {
				return usageError{fmt.Errorf("--min-score %v is not between 0 and 1", minScore)}
			}
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				pairs, err := reconcile.Duplicates(ctx, db.SQL(), dev.Communes)
				if err != nil {
					return err
				}
				pairs = reconcile.AtLeast(pairs, minScore)
				if a.json {
					return printJSON(cmd.OutOrStdout(), pairs)
				}
				return reconcile.WritePairs(cmd.OutOrStdout(), pairs)
			})
		},
	}
	cmd.Flags().Float64Var(&minScore, "min-score", 0, "only pairs scoring at least this, from 0 to 1")
	return cmd
}
