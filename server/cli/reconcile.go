package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/syncengine"
)

func householdsCmd() *cobra.Command {
	var minScore float64
	dups := reportCmd(&cobra.Command{
		Use:   "duplicates [--commune CODE…] [--min-score S]",
		Short: "List households that may be one family registered twice; safe while the server runs",
		Long: reconcile.PairsHelp + `

Merge a pair with hodan-server households merge KEEP DROP, or on a laptop
of its commune with hodan household merge KEEP DROP.`,
	}, func(ctx context.Context, db *syncengine.DB, communes []string) ([]reconcile.Pair, error) {
		return ops.Duplicates(ctx, db, ops.Actor{Communes: communes}, minScore)
	}, reconcile.WritePairs)
	dups.Flags().Float64Var(&minScore, "min-score", 0, "only pairs scoring at least this, from 0 to 1")
	return groupCmd("households", "Households across the district's communes: families registered twice, and merging them", dups, householdsMergeCmd())
}

func reconcileCmd() *cobra.Command {
	var year int
	support := reportCmd(&cobra.Command{
		Use:   "support [--year Y] [--commune CODE…]",
		Short: "List households given one kind of support twice, or by two programs; safe while the server runs",
		Long:  reconcile.OverlapsHelp,
	}, func(ctx context.Context, db *syncengine.DB, communes []string) ([]reconcile.Overlap, error) {
		if year != 0 && (year < 1900 || year > 2100) {
			return nil, fmt.Errorf("--year %d is not a year", year)
		}
		return reconcile.SupportOverlaps(ctx, db.SQL(), year, communes)
	}, reconcile.WriteOverlaps)
	support.Flags().IntVar(&year, "year", 0, "only records dated in this year (0: all)")
	return groupCmd("reconcile", "Checks across what many officers recorded: support given twice", support)
}

// reportCmd makes cmd a read-only report over the server database, safe
// while the server runs: find reads the findings of the communes given
// with --commune (all if none), printed as JSON with --json, else by
// write.
func reportCmd[T any](cmd *cobra.Command, find func(context.Context, *syncengine.DB, []string) ([]T, error), write func(io.Writer, []T) error) *cobra.Command {
	var db string
	var communes []string
	var asJSON bool
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		d, err := openExisting(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer d.Close()
		found, err := find(cmd.Context(), d, communes)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(cmd.OutOrStdout(), found)
		}
		return write(cmd.OutOrStdout(), found)
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringArrayVar(&communes, "commune", nil, "only this commune (repeat for more)")
	jsonFlag(cmd, &asJSON)
	return cmd
}
