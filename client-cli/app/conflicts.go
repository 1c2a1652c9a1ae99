package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

func (a *app) conflictsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conflicts",
		Short: a.T("conflicts.short"),
		Long:  a.T("conflicts.long") + "\n\n" + a.T("orphans.long"),
	}
	cmd.AddCommand(a.conflictsListCmd(), a.conflictsShowCmd(), a.conflictsResolveCmd())
	return cmd
}

func (a *app) conflictsListCmd() *cobra.Command {
	var open, ids bool
	cmd := &cobra.Command{
		Use:   "list [--open] [--ids]",
		Short: a.T("conflicts.list_short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				names, err := ops.DeviceOfficers(ctx, db, dev)
				if err != nil {
					return err
				}
				views, err := ops.Conflicts(ctx, db, dev.Actor(), names)
				if err != nil {
					return err
				}
				orphans, err := ops.Orphans(ctx, db, dev.Actor(), names)
				if err != nil {
					return err
				}
				if open {
					views = syncengine.OpenOnly(views) // orphans are open until settled
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), reconcile.Listed(views, orphans))
				}
				if ids { // for scripts: C=$(hodan conflicts list --open --ids)
					for _, v := range views {
						fmt.Fprintln(cmd.OutOrStdout(), v.ID)
					}
					for _, o := range orphans {
						fmt.Fprintln(cmd.OutOrStdout(), o.ID)
					}
					return nil
				}
				if len(views) > 0 || len(orphans) == 0 {
					if err := a.writeConflicts(cmd.OutOrStdout(), views); err != nil {
						return err
					}
					if len(orphans) > 0 {
						fmt.Fprintln(cmd.OutOrStdout())
					}
				}
				return a.writeOrphans(cmd.OutOrStdout(), orphans)
			})
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, a.T("conflicts.flag_open"))
	cmd.Flags().BoolVar(&ids, "ids", false, a.T("conflicts.flag_ids"))
	return cmd
}

func (a *app) conflictsShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.T("show.use"),
		Short: a.T("conflicts.show_short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				v, o, err := findListed(ctx, db, dev, args[0])
				switch {
				case err != nil:
					return err
				case o != nil && a.json:
					return printJSON(cmd.OutOrStdout(), o)
				case o != nil:
					return a.writeOrphan(cmd.OutOrStdout(), *o)
				case a.json:
					return printJSON(cmd.OutOrStdout(), v)
				}
				return a.writeConflict(cmd.OutOrStdout(), *v)
			})
		},
	}
}

func (a *app) conflictsResolveCmd() *cobra.Command {
	var keep, value string
	var ways orphanWays
	cmd := &cobra.Command{
		Use:   a.T("orphans.resolve_use"),
		Short: a.T("orphans.resolve_short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			field := keep != "" || cmd.Flags().Changed("value")
			if field && (ways.Ways() > 0 || ways.WithChildren) {
				return usageError{errMsg("orphans.error_both")}
			}
			if keep != "" && keep != ops.KeepMine && keep != ops.KeepTheirs {
				return usageError{errMsg("error.resolve_keep", keep)}
			}
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				v, o, err := findListed(ctx, db, dev, args[0])
				switch {
				case err != nil:
					return err
				case o != nil:
					return a.settleOrphan(cmd, db, dev, *o, ways)
				case ways.Ways() > 0 || ways.WithChildren:
					return usageError{errMsg("orphans.error_not_orphan", v.ID[:8])}
				case keep == "" == !cmd.Flags().Changed("value"):
					return usageError{errMsg("error.resolve_what")}
				}
				return a.resolveConflict(cmd, db, *v, keep, value)
			})
		},
	}
	cmd.Flags().StringVar(&keep, "keep", "", a.T("conflicts.flag_keep"))
	cmd.Flags().StringVar(&value, "value", "", a.T("conflicts.flag_value"))
	ways.flags(a, cmd)
	return cmd
}

// resolveConflict writes the value chosen for conflict v: the laptop's,
// the other officer's (keep), or a new one.
func (a *app) resolveConflict(cmd *cobra.Command, db *syncengine.DB, v syncengine.ConflictView, keep, value string) error {
	r, err := ops.ResolveConflict(cmd.Context(), db, v, keep, value)
	if err != nil {
		return err
	}
	if a.json {
		return printJSON(cmd.OutOrStdout(), map[string]any{"id": v.ID, "table": v.Table, "row_id": v.Row, "column": v.Column, "value": r.Value, "resolved": true})
	}
	fmt.Fprintln(cmd.OutOrStdout(), a.T("conflicts.resolved", v.ID, a.nounWord(r.Table.Noun), a.columnText(r.Table, r.Column), a.formatCell(r.Value)))
	return nil
}

// findListed finds what `conflicts list` lists under the id id (see
// ops.FindListed).
func findListed(ctx context.Context, db *syncengine.DB, dev *ops.Device, id string) (*syncengine.ConflictView, *reconcile.Orphan, error) {
	names, err := ops.DeviceOfficers(ctx, db, dev)
	if err != nil {
		return nil, nil, err
	}
	return ops.FindListed(ctx, db, dev.Actor(), names, id)
}

// writeConflicts writes conflicts as a table in the officer's language,
// open ones as given first, within the terminal's width.
func (a *app) writeConflicts(w io.Writer, views []syncengine.ConflictView) error {
	if len(views) == 0 {
		_, err := fmt.Fprintln(w, a.T("conflicts.none"))
		return err
	}
	head := []string{"ID", a.T("conflicts.head_field"), a.T("conflicts.head_kept"), a.T("conflicts.head_displaced"), a.T("conflicts.head_state")}
	rows := make([][]string, len(views))
	for i, v := range views {
		rows[i] = []string{v.ID[:8], nounOf(v.Table) + "." + v.Column, a.valueText(v.Table, v.Column, v.Current), a.valueText(v.Table, v.Column, v.Values[0].Value), a.conflictState(v)}
	}
	_, err := fitTable(w, terminalWidth(w), head, rows, 1)
	return err
}

// writeConflict writes one conflict in the officer's language: the field
// by its label, the value kept, each write with who made it and when, and
// how to resolve it while it is open.
func (a *app) writeConflict(w io.Writer, v syncengine.ConflictView) error {
	label := v.Column
	if t, ok := schema.TableByName(v.Table); ok {
		if c, ok := t.Column(v.Column); ok {
			label = a.columnText(t, c) + " (" + v.Column + ")"
		}
	}
	const width = 70 // the values, after their labels, within 80 columns
	var b strings.Builder
	b.WriteString(a.T("conflict.head", v.ID, a.conflictState(v), a.nounWord(nounOf(v.Table)), v.Row, v.Scope) + "\n")
	b.WriteString(a.T("conflict.field", cut(label, width)) + "\n")
	b.WriteString(a.T("conflict.now", cut(a.valueText(v.Table, v.Column, v.Current), width)) + "\n")
	for _, x := range v.Values {
		what := a.T("conflict.displaced")
		if x.Won {
			what = a.T("conflict.won")
		}
		who := ops.SafeText(x.Officer)
		if who == "" {
			who = a.T("conflict.unknown_officer")
		}
		b.WriteString("  " + what + strings.Repeat(" ", max(0, 10-textWidth(what))) + cut(a.valueText(v.Table, v.Column, x.Value), width-2) + "\n")
		b.WriteString("            " + a.T("conflict.written_by", cut(who, 30), x.Site.String()[:8], a.dateTime(x.WrittenAt)) + "\n")
	}
	if !v.Resolved {
		b.WriteString(a.T("conflict.resolve", v.ID[:8]) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (a *app) conflictState(v syncengine.ConflictView) string {
	if v.Resolved {
		return a.T("conflict.state_resolved")
	}
	return a.T("conflict.state_open")
}

// valueText is a value of table's column as show says it (formatValue: a
// list's label, a date as dd/mm/yyyy, a number grouped), on one line; "-"
// for none.
func (a *app) valueText(table, column string, v syncengine.Value) string {
	if v.IsNull() {
		return "-"
	}
	if t, ok := schema.TableByName(table); ok {
		if c, ok := t.Column(column); ok {
			return a.formatValue(c, v.Any())
		}
	}
	return ops.SafeText(fmt.Sprint(v.Any()))
}
