package app

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

func (a *app) conflictsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conflicts",
		Short: "Fields two officers changed without seeing each other's change: list, show, resolve",
		Long: `When two officers change the same field of a record offline, every laptop and
the server keep the same one value (the later write), and the other is
listed here, so that someone looks at it. Resolving writes the value to
keep; it syncs like any change, and the conflict shows as resolved
everywhere.`,
	}
	cmd.AddCommand(a.conflictsListCmd(), a.conflictsShowCmd(), a.conflictsResolveCmd())
	return cmd
}

func (a *app) conflictsListCmd() *cobra.Command {
	var open bool
	cmd := &cobra.Command{
		Use:   "list [--open]",
		Short: "List the conflicts in this laptop's communes, open ones first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				views, err := localConflicts(ctx, db, dev)
				if err != nil {
					return err
				}
				if open {
					views = syncengine.OpenOnly(views)
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), views)
				}
				return reconcile.WriteConflicts(cmd.OutOrStdout(), views, false)
			})
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, "only conflicts nobody has resolved")
	return cmd
}

func (a *app) conflictsShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one conflict: both values, who wrote them and when",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				v, err := findConflict(ctx, db, dev, args[0])
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), v)
				}
				return reconcile.WriteConflict(cmd.OutOrStdout(), v, "hodan conflicts resolve "+v.ID[:8]+" --keep mine|theirs (or --value V)")
			})
		},
	}
}

func (a *app) conflictsResolveCmd() *cobra.Command {
	var keep, value string
	cmd := &cobra.Command{
		Use:   "resolve ID --keep mine|theirs | --value V",
		Short: "Resolve a conflict: keep this laptop's value, the other one, or a new value",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (keep == "") == !cmd.Flags().Changed("value") {
				return usageError{fmt.Errorf("say what to keep: --keep mine, --keep theirs, or --value V")}
			}
			if keep != "" && keep != "mine" && keep != "theirs" {
				return usageError{fmt.Errorf("--keep takes mine or theirs, not %q", keep)}
			}
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				v, err := findConflict(ctx, db, dev, args[0])
				if err != nil {
					return err
				}
				t, ok := schema.TableByName(v.Table)
				if !ok {
					return fmt.Errorf("conflict %s is in table %s, which this version of hodan does not know: upgrade hodan", v.ID, v.Table)
				}
				col, ok := t.Column(v.Column)
				if !ok {
					return fmt.Errorf("conflict %s is on column %s, which this version of hodan does not know: upgrade hodan", v.ID, v.Column)
				}
				chosen, err := chooseValue(v, db.Site(), col, keep, value)
				if err != nil {
					return err
				}
				if err := col.Check(chosen); err != nil {
					return err
				}
				if col.Required && chosen == nil {
					return fmt.Errorf("%s is required: a resolution cannot clear it", v.Column)
				}
				err = db.Write(ctx, func(tx *syncengine.Tx) error {
					return tx.Resolve(v.Table, v.Row, v.Column, chosen)
				})
				if err != nil {
					return fmt.Errorf("resolve %s: %w", v.ID, err)
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), map[string]any{"id": v.ID, "table": v.Table, "row_id": v.Row, "column": v.Column, "value": chosen, "resolved": true})
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Resolved %s: %s.%s is %s. It is sent at the next `hodan sync`.\n", v.ID, t.Noun, v.Column, formatCell(chosen))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&keep, "keep", "", "mine (this laptop's value) or theirs (the other officer's)")
	cmd.Flags().StringVar(&value, "value", "", "a new value to keep instead (empty clears the field)")
	return cmd
}

// chooseValue is the value a resolution writes.
func chooseValue(v syncengine.ConflictView, me syncengine.SiteID, col *schema.Column, keep, value string) (any, error) {
	if keep == "" {
		return col.Parse(value)
	}
	var mine, theirs *syncengine.ConflictWrite
	for i := range v.Values {
		if v.Values[i].Site == me {
			mine = &v.Values[i]
		} else {
			theirs = &v.Values[i]
		}
	}
	if mine == nil {
		return nil, fmt.Errorf("neither value of conflict %s was written on this laptop, so there is no \"mine\": choose one with --value", v.ID)
	}
	if keep == "mine" {
		return mine.Value.Any(), nil
	}
	return theirs.Value.Any(), nil
}

// localConflicts are the conflicts this laptop's database holds in its
// communes, open ones first, with officer names where known.
func localConflicts(ctx context.Context, db *syncengine.DB, dev *device) ([]syncengine.ConflictView, error) {
	found, err := db.Conflicts(ctx, syncengine.ConflictQuery{Scopes: dev.Communes})
	if err != nil {
		return nil, err
	}
	officers, err := knownOfficers(ctx, db)
	if err != nil {
		return nil, err
	}
	officers[db.Site()] = dev.Officer
	return syncengine.Views(found, func(s syncengine.SiteID) string { return officers[s] }), nil
}

// openConflicts counts the conflicts of the laptop's communes nobody has
// resolved.
func openConflicts(ctx context.Context, db *syncengine.DB, dev *device) (int, error) {
	found, err := db.Conflicts(ctx, syncengine.ConflictQuery{Scopes: dev.Communes})
	n := 0
	for _, c := range found {
		if !c.Resolved {
			n++
		}
	}
	return n, err
}

// findConflict finds the conflict whose id is, or begins with, id.
func findConflict(ctx context.Context, db *syncengine.DB, dev *device, id string) (syncengine.ConflictView, error) {
	views, err := localConflicts(ctx, db, dev)
	if err != nil {
		return syncengine.ConflictView{}, err
	}
	return syncengine.FindConflict(views, id)
}

// knownOfficers are the officers of other devices this laptop has heard of
// from its server.
func knownOfficers(ctx context.Context, db *syncengine.DB) (map[syncengine.SiteID]string, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT site, officer FROM client_officers`)
	if err != nil {
		return nil, fmt.Errorf("read officers: %w", err)
	}
	defer rows.Close()
	out := map[syncengine.SiteID]string{}
	for rows.Next() {
		var site, officer string
		if err := rows.Scan(&site, &officer); err != nil {
			return nil, fmt.Errorf("read officers: %w", err)
		}
		if id, err := uuid.Parse(site); err == nil {
			out[id] = officer
		}
	}
	return out, rows.Err()
}

// rememberOfficers keeps the officers the server named in its conflicts,
// so that the laptop can name them offline.
func rememberOfficers(ctx context.Context, db *syncengine.DB, views []syncengine.ConflictView) error {
	return db.Exec(ctx, func(tx *sql.Tx) error {
		for _, v := range views {
			for _, x := range v.Values {
				if x.Officer == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO client_officers (site, officer) VALUES (?, ?)`, x.Site.String(), x.Officer); err != nil {
					return fmt.Errorf("remember officers: %w", err)
				}
			}
		}
		return nil
	})
}
