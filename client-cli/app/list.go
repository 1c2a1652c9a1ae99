package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

func (a *app) listCmd(t *schema.Table) *cobra.Command {
	var filter, search string
	var limit int
	nameCol := t.NameColumn
	cmd := &cobra.Command{
		Use:   "list",
		Short: a.T("list.short", lowerFirst(a.tableLabel(t))),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, _ *ops.Device) error {
				rows, err := ops.List(ctx, db, t, ops.ListQuery{Of: filter, Search: search, Limit: limit})
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), rows)
				}
				if err := nameRefs(ctx, db, t, rows); err != nil {
					return err
				}
				return a.printTable(cmd.OutOrStdout(), t, append([]string{"id"}, t.Summary...), rows)
			})
		},
	}
	filterCol := t.ScopeColumn + t.ParentColumn
	cmd.Flags().StringVar(&filter, flagName(filterCol), "", a.T("list.flag_filter", lowerFirst(a.columnNamed(t, filterCol))))
	cmd.Flags().IntVar(&limit, "limit", 0, a.T("list.flag_limit"))
	if nameCol != "" {
		cmd.Flags().StringVar(&search, "search", "", a.T("list.flag_search", lowerFirst(a.columnNamed(t, nameCol))))
		cmd.Flags().StringVar(&search, "name", "", a.T("list.flag_search", lowerFirst(a.columnNamed(t, nameCol))))
		_ = cmd.Flags().MarkHidden("name") // --name is --search, as officers may type it
	}
	return cmd
}

func (a *app) showCmd(t *schema.Table) *cobra.Command {
	return &cobra.Command{
		Use:   a.T("show.use"),
		Short: a.T("show.short", noun(t.Noun)),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				officers, err := ops.DeviceOfficers(ctx, db, dev)
				if err != nil {
					return err
				}
				shown, err := ops.Show(ctx, db, dev.Actor(), officers, t, args[0])
				if err != nil {
					return err
				}
				return a.printShown(cmd.OutOrStdout(), t, shown)
			})
		},
	}
}

// nameRefs puts, in rows, the name of the record each reference of the
// table's summary names (a member's household by its head's name), for
// people to read; a reference to a record without a name stays its id.
func nameRefs(ctx context.Context, db *syncengine.DB, t *schema.Table, rows []ops.Record) error {
	for _, col := range t.Summary {
		c, ok := t.Column(col)
		refers, known := schema.TableByName(c.Refers)
		if !ok || c.Type != schema.Ref || !known {
			continue
		}
		names, err := ops.Names(ctx, db, refers)
		if err != nil || names == nil {
			return err
		}
		for i := range rows {
			rows[i] = withNames(rows[i], map[string]string{col: names[fmt.Sprint(rows[i][col])]})
		}
	}
	return nil
}

// withNames is r with the references in names (column to name) shown by
// name; r itself is left as it is.
func withNames(r ops.Record, names map[string]string) ops.Record {
	out := make(ops.Record, len(r))
	for k, v := range r {
		out[k] = v
		if name := names[k]; name != "" && v != nil {
			out[k] = name
		}
	}
	return out
}
