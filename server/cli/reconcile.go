package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/syncengine"
)

func householdsCmd(t tr) *cobra.Command {
	var minScore float64
	dups := reportCmd(t, &cobra.Command{
		Use:   t.T("server.households.duplicates.use"),
		Short: t.T("server.households.duplicates.short"),
		Long:  t.T("server.households.duplicates.long"),
	}, func(ctx context.Context, db *syncengine.DB, communes []string) ([]reconcile.Pair, error) {
		if minScore < 0 || minScore > 1 {
			return nil, i18n.Errorf("server.households.error.min_score", minScore)
		}
		return ops.Duplicates(ctx, db, ops.Actor{Communes: communes}, minScore)
	}, reconcile.WritePairs)
	dups.Flags().Float64Var(&minScore, "min-score", 0, t.T("server.households.flag.min_score"))
	return groupCmd("households", t.T("server.households.short"), dups, householdsMergeCmd(t))
}

func reconcileCmd(t tr) *cobra.Command {
	var year int
	support := reportCmd(t, &cobra.Command{
		Use:   t.T("server.reconcile.support.use"),
		Short: t.T("server.reconcile.support.short"),
		Long:  t.T("server.reconcile.support.long"),
	}, func(ctx context.Context, db *syncengine.DB, communes []string) ([]reconcile.Overlap, error) {
		if year != 0 && (year < 1900 || year > 2100) {
			return nil, i18n.Errorf("server.reconcile.error.year", year)
		}
		return reconcile.SupportOverlaps(ctx, db.SQL(), year, communes)
	}, reconcile.WriteOverlaps)
	support.Flags().IntVar(&year, "year", 0, t.T("server.reconcile.flag.year"))
	return groupCmd("reconcile", t.T("server.reconcile.short"), support)
}

// reportCmd makes cmd a read-only report over the server database, safe
// while the server runs: find reads the findings of the communes given
// with --commune (all if none), printed as JSON with --json, else by
// write.
func reportCmd[T any](t tr, cmd *cobra.Command, find func(context.Context, *syncengine.DB, []string) ([]T, error), write func(io.Writer, i18n.Lang, []T) error) *cobra.Command {
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
		return write(cmd.OutOrStdout(), t.lang, found)
	}
	dbFlag(t, cmd, &db)
	communesFlag(t, cmd, &communes)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}
