package main

import (
	"github.com/spf13/cobra"

	"hodan/reconcile"
	"hodan/server/registry"
	"hodan/syncengine"
)

func conflictsCmd() *cobra.Command {
	return groupCmd("conflicts", "Fields two officers changed without seeing each other's change", conflictsListCmd(), conflictsShowCmd())
}

func conflictsListCmd() *cobra.Command {
	var db string
	var communes []string
	var open, asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--commune CODE…] [--open]",
		Short: "List the conflicts the server holds, open ones first; safe while the server runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			views, err := serverConflicts(cmd, db, communes)
			if err != nil {
				return err
			}
			if open {
				views = syncengine.OpenOnly(views)
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), views)
			}
			return reconcile.WriteConflicts(cmd.OutOrStdout(), views, true)
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringArrayVar(&communes, "commune", nil, "only this commune (repeat for more)")
	cmd.Flags().BoolVar(&open, "open", false, "only conflicts nobody has resolved")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func conflictsShowCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one conflict: both values, which officer and device wrote them, and when",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			views, err := serverConflicts(cmd, db, nil)
			if err != nil {
				return err
			}
			found, err := syncengine.FindConflict(views, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), found)
			}
			return reconcile.WriteConflict(cmd.OutOrStdout(), found, "on a laptop of its commune, with hodan conflicts resolve")
		},
	}
	dbFlag(cmd, &db)
	jsonFlag(cmd, &asJSON)
	return cmd
}

// serverConflicts reads the conflicts of communes (all if none) from the
// server database at path, open ones first, naming the officers.
func serverConflicts(cmd *cobra.Command, path string, communes []string) ([]syncengine.ConflictView, error) {
	db, err := openExisting(cmd.Context(), path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ctx := cmd.Context()
	found, err := db.Conflicts(ctx, syncengine.ConflictQuery{Scopes: communes})
	if err != nil {
		return nil, err
	}
	officers, err := registry.New(db, nil).Officers(ctx)
	if err != nil {
		return nil, err
	}
	return syncengine.Views(found, func(s syncengine.SiteID) string { return officers[s] }), nil
}
