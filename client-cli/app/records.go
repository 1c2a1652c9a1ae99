package app

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// nouns are the record tables in the order the help lists them.
func nouns() []*schema.Table {
	var out []*schema.Table
	for _, n := range []string{"household", "member", "visit", "support", "damage", "village"} {
		if t, ok := schema.TableByNoun(n); ok {
			out = append(out, t)
		}
	}
	return out
}

func (a *app) nounCmd(t *schema.Table) *cobra.Command {
	cmd := &cobra.Command{
		Use:   t.Noun,
		Short: a.T("noun.short", upperFirst(a.tableLabel(t))),
	}
	cmd.AddCommand(a.addCmd(t), a.listCmd(t), a.showCmd(t), a.setCmd(t), a.deleteCmd(t))
	if t.Name == "visits" {
		cmd.Short = a.T("noun.short_visit", upperFirst(a.tableLabel(t)))
		cmd.AddCommand(a.visitNewCmd())
	}
	if t.Name == "households" {
		cmd.Short = a.T("noun.short_household", upperFirst(a.tableLabel(t)))
		cmd.AddCommand(a.householdCommands()...)
	}
	return cmd
}

func (a *app) addCmd(t *schema.Table) *cobra.Command {
	cmd := &cobra.Command{
		Use:   a.T("add.use"),
		Short: a.T("add.short", noun(t.Noun)),
		Args:  cobra.NoArgs,
	}
	for _, c := range t.Columns {
		if c.Officer || c.Internal {
			continue // filled from the enrollment, or by Hodan's commands
		}
		cmd.Flags().String(flagName(c.Name), "", a.flagHelp(t, &c))
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		values, err := flagValues(cmd, t)
		if err != nil {
			return err
		}
		typed := slices.Collect(maps.Keys(values))
		return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
			id, err := ops.AddRecord(ctx, db, dev.Actor(), t, values, a.day())
			if err != nil {
				return err
			}
			a.printStored(cmd.ErrOrStderr(), t, values, typed)
			if a.json {
				return printJSON(cmd.OutOrStdout(), map[string]string{"id": id.String()})
			}
			fmt.Fprintln(cmd.OutOrStdout(), id)
			return nil
		})
	}
	return cmd
}

// tableLabel is the name of a table's records in the officer's language.
func (a *app) tableLabel(t *schema.Table) string { return tr(a.lang, "table."+t.Name) }

// nounWord is the word for a record noun in the officer's language.
func (a *app) nounWord(n string) string { return tr(a.lang, "noun."+n) }

// columnText is the label of a column of t in the officer's language.
func (a *app) columnText(t *schema.Table, c *schema.Column) string { return a.columnNamed(t, c.Name) }

// columnNamed is the label of t's column name in the officer's language.
func (a *app) columnNamed(t *schema.Table, name string) string {
	return tr(a.lang, "column."+t.Name+"."+name)
}

func nounOf(table string) string { return string(ops.NounOf(table)) }

func (a *app) setCmd(t *schema.Table) *cobra.Command {
	return &cobra.Command{
		Use:   a.T("set.use"),
		Short: a.T("set.short", noun(t.Noun)),
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			values, err := assignments(t, args[1:])
			if err != nil {
				return err
			}
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				w, err := ops.UpdateRecord(ctx, db, dev.Actor(), t, args[0], values)
				if err != nil {
					return err
				}
				a.printStored(cmd.ErrOrStderr(), t, values, slices.Collect(maps.Keys(values)))
				return a.printDone(cmd, "changed", t, w)
			})
		},
	}
}

// assignments parses column=value arguments.
func assignments(t *schema.Table, args []string) (map[string]any, error) {
	values := map[string]any{}
	for _, arg := range args {
		name, text, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, usageError{errMsg("error.not_assignment", arg)}
		}
		name = strings.ReplaceAll(strings.TrimSpace(name), "-", "_")
		c, ok := t.Column(name)
		if !ok {
			return nil, errMsg("error.no_column", noun(t.Noun), name, t.Noun)
		}
		v, err := ops.ParseTyped(c, text)
		if err != nil {
			return nil, err
		}
		values[name] = v
	}
	return values, nil
}

// deleteCmd deletes a record by reconcile.DeleteRecord's rule: a record
// that live records belong to is deleted only with them, when they can go
// with it (--with-children), so that nothing is left under nothing.
func (a *app) deleteCmd(t *schema.Table) *cobra.Command {
	var withChildren bool
	cmd := &cobra.Command{
		Use:   a.T("delete.use"),
		Short: a.T("delete.short", noun(t.Noun)),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				w, err := ops.DeleteRecord(ctx, db, dev.Actor(), t, args[0], withChildren)
				if err != nil {
					return err
				}
				return a.printDone(cmd, "deleted", t, w)
			})
		},
	}
	if reconcile.DeletesWithChildren(t.Name) {
		cmd.Flags().BoolVar(&withChildren, "with-children", false, a.T("orphans.flag_with_children"))
	}
	return cmd
}

// printDone reports a change or delete: what, and how many changes it
// wrote (a delete also deletes the rows that belong to the row).
func (a *app) printDone(cmd *cobra.Command, what string, t *schema.Table, w ops.Written) error {
	if a.json {
		return printJSON(cmd.OutOrStdout(), map[string]any{"id": w.ID.String(), what: true, "changes": w.Changes})
	}
	fmt.Fprintln(cmd.OutOrStdout(), a.T("done."+what, a.nounWord(t.Noun), w.ID, a.count(w.Changes, "count.change")))
	return nil
}

// printStored says on stderr, field by field, what a command stored of
// the columns the officer typed, as people read them (1.500, not 1500;
// money with its words), so that a number read otherwise than meant is
// seen at once. Stdout keeps what scripts read.
func (a *app) printStored(w io.Writer, t *schema.Table, values map[string]any, typed []string) {
	if len(typed) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString(a.T("input.stored") + "\n")
	for i := range t.Columns {
		c := &t.Columns[i]
		if v, ok := values[c.Name]; ok && slices.Contains(typed, c.Name) {
			fmt.Fprintf(&b, "  %s: %s\n", a.columnText(t, c), a.describeValue(c, v))
		}
	}
	io.WriteString(w, b.String())
}
