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

func conflictsCmd() *cobra.Command {
	return groupCmd("conflicts", "Fields two officers changed without seeing each other's change, and records under a deleted household", conflictsListCmd(), conflictsShowCmd())
}

func conflictsListCmd() *cobra.Command {
	var db string
	var communes []string
	var open, asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--commune CODE…] [--open]",
		Short: "List the conflicts the server holds, open ones first, then the orphaned records; safe while the server runs",
		Long: `List the conflicts the server holds, open ones first, then the orphaned
records: records whose household (or village, or the household they were
merged into) was deleted while another officer recorded for them. They are
settled on a laptop of their commune, with hodan conflicts resolve ID
--restore | --move-to ID | --delete.

With --json: an array of the conflicts, then the orphaned records, each
{id, kind: "orphan", reason, table, row_id, commune, record, household_id,
head_name, household_number, village, deleted: {table, id, name, known,
officer, site, at}}.`,
		Args: cobra.NoArgs,
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
				if err := reconcile.WriteConflicts(cmd.OutOrStdout(), views, true); err != nil {
					return err
				}
				if len(orphans) > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
			}
			return reconcile.WriteOrphans(cmd.OutOrStdout(), orphans)
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
		Short: "Show one conflict: both values, which officer and device wrote them, and when; or one orphaned record",
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
				hint := "on a laptop of its commune: hodan conflicts resolve " + o.ID[:8] + " --restore | --move-to ID | --delete"
				return reconcile.WriteOrphan(cmd.OutOrStdout(), o, hint)
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
