package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/server/registry"
	"hodan/syncengine"
)

func conflictsCmd(t tr) *cobra.Command {
	return groupCmd("conflicts", t.T("server.conflicts.short"), conflictsListCmd(t), conflictsShowCmd(t))
}

func conflictsListCmd(t tr) *cobra.Command {
	var db string
	var communes []string
	var open, asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.conflicts.list.use"),
		Short: t.T("server.conflicts.list.short"),
		Long:  t.T("server.conflicts.list.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			views, orphans, err := serverConflicts(cmd, db, communes)
			if err != nil {
				return err
			}
			if open {
				views = syncengine.OpenOnly(views) // orphans are open until settled
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), reconcile.Listed(views, orphans))
			}
			if len(views) > 0 || len(orphans) == 0 {
				if err := reconcile.WriteConflicts(cmd.OutOrStdout(), t.lang, views, true); err != nil {
					return err
				}
				if len(orphans) > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
			}
			return reconcile.WriteOrphans(cmd.OutOrStdout(), t.lang, orphans)
		},
	}
	dbFlag(t, cmd, &db)
	communesFlag(t, cmd, &communes)
	cmd.Flags().BoolVar(&open, "open", false, t.T("server.conflicts.flag.open"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

func conflictsShowCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.conflicts.show.use"),
		Short: t.T("server.conflicts.show.short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			views, orphans, err := serverConflicts(cmd, db, nil)
			if err != nil {
				return err
			}
			if o, ok := findOrphan(orphans, args[0]); ok {
				if asJSON {
					return printJSON(cmd.OutOrStdout(), o)
				}
				return reconcile.WriteOrphan(cmd.OutOrStdout(), t.lang, o, t.T("server.conflicts.settle_orphan", o.ID[:8]))
			}
			found, err := syncengine.FindConflict(views, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), found)
			}
			return reconcile.WriteConflict(cmd.OutOrStdout(), t.lang, found, t.T("server.conflicts.resolve"))
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// serverConflicts reads the conflicts of communes (all if none) from the
// server database at path, open ones first, and the orphaned records,
// naming the officers.
func serverConflicts(cmd *cobra.Command, path string, communes []string) ([]syncengine.ConflictView, []reconcile.Orphan, error) {
	db, err := openExisting(cmd.Context(), path, true)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	ctx := cmd.Context()
	officers, err := registry.New(db, nil).Officers(ctx)
	if err != nil {
		return nil, nil, err
	}
	who, names := ops.Actor{Communes: communes}, func(s syncengine.SiteID) string { return officers[s] }
	views, err := ops.Conflicts(ctx, db, who, names)
	if err != nil {
		return nil, nil, err
	}
	orphans, err := ops.Orphans(ctx, db, who, names)
	return views, orphans, err
}

// findOrphan finds the orphan whose id begins with prefix (at least 4
// characters, any case), if exactly one does.
func findOrphan(orphans []reconcile.Orphan, prefix string) (reconcile.Orphan, bool) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	var found []reconcile.Orphan
	for _, o := range orphans {
		if len(prefix) >= 4 && strings.HasPrefix(o.ID, prefix) {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		return reconcile.Orphan{}, false
	}
	return found[0], true
}
