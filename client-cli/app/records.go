package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/schema/poverty"
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
			if err := a.needVisitDate(t, values); err != nil {
				return err
			}
			id, err := addRecord(ctx, db, dev, t, values, a.today())
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

// addRecord checks and inserts a new row.
func addRecord(ctx context.Context, db *syncengine.DB, dev *ops.Device, t *schema.Table, values map[string]any, today string) (syncengine.RowID, error) {
	if err := applyDefaults(dev, t, values, today); err != nil {
		return syncengine.RowID{}, err
	}
	var id syncengine.RowID
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		if err := ops.ResolveRefs(tx, t, values); err != nil {
			return err
		}
		if err := t.CheckInsert(values); err != nil {
			return err
		}
		scope, err := newRowScope(tx, dev, t, values)
		if err != nil {
			return err
		}
		if err := checkRefs(tx, t, values, scope); err != nil {
			return err
		}
		id, err = tx.Insert(t.Name, values)
		return err
	})
	return id, err
}

// applyDefaults fills what an officer need not type: the commune when the
// laptop records for only one, today's date and the officer on a visit, the
// code system beside an ethnicity code, and beside a poverty status the
// poverty standard in force today.
func applyDefaults(dev *ops.Device, t *schema.Table, values map[string]any, today string) error {
	if t.ScopeColumn != "" && values[t.ScopeColumn] == nil {
		if len(dev.Communes) != 1 {
			return errMsg("error.choose_commune", flagName(t.ScopeColumn), strings.Join(dev.Communes, ", "))
		}
		values[t.ScopeColumn] = dev.Communes[0]
	}
	defaults := map[string]struct {
		when  string
		value any
	}{
		"visit_date":       {"", today},
		"ethnicity_system": {"ethnicity_code", "qd121_1979"},
	}
	if values["poverty_status"] != nil && values["poverty_standard"] == nil {
		if day, err := time.Parse(time.DateOnly, today); err == nil {
			if std, err := poverty.Standards().InForce(day); err == nil {
				values["poverty_standard"] = std.ID
			}
		}
	}
	for _, c := range t.Columns {
		if c.Officer {
			values[c.Name] = dev.Officer
		}
	}
	for col, d := range defaults {
		if _, ok := t.Column(col); !ok || values[col] != nil || d.value == "" {
			continue // "": no today for a clock that cannot be right
		}
		if d.when == "" || values[d.when] != nil {
			values[col] = d.value
		}
	}
	return nil
}

// newRowScope is the commune a new row will belong to, which must be one
// of the laptop's.
func newRowScope(tx *syncengine.Tx, dev *ops.Device, t *schema.Table, values map[string]any) (string, error) {
	var scope string
	if t.ScopeColumn != "" {
		scope, _ = values[t.ScopeColumn].(string)
	} else {
		parent, _ := values[t.ParentColumn].(string)
		s, err := liveRow(tx, t.ParentTable, parent)
		if err != nil {
			return "", err
		}
		scope = s
	}
	if !dev.Actor().InScope(scope) {
		return "", errMsg("error.commune_not_ours", scope, strings.Join(dev.Communes, ", "))
	}
	return scope, nil
}

// checkRefs makes sure every row a value refers to exists here and belongs
// to the same commune.
func checkRefs(tx *syncengine.Tx, t *schema.Table, values map[string]any, scope string) error {
	for _, c := range t.Columns {
		ref, ok := values[c.Name].(string)
		if c.Type != schema.Ref || !ok {
			continue
		}
		s, err := liveRow(tx, c.Refers, ref)
		if err != nil {
			return err
		}
		if s != scope {
			return errMsg("error.ref_other_commune", noun(nounOf(c.Refers)), ref, s, scope)
		}
	}
	return nil
}

// liveRow returns the scope of a live row, or an error a person can act on.
func liveRow(tx *syncengine.Tx, table, id string) (string, error) {
	rid, err := uuid.Parse(id)
	if err != nil {
		return "", errMsg("error.not_an_id", id, noun(nounOf(table)))
	}
	scope, alive, err := tx.Row(table, rid)
	if err != nil {
		return "", err
	}
	if !alive {
		return "", errMsg("error.no_such_row", noun(nounOf(table)), id, nounOf(table))
	}
	return scope, nil
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

func nounOf(table string) string {
	if t, ok := schema.TableByName(table); ok {
		return t.Noun
	}
	return table
}

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
			err = a.writeOwnRow(cmd, t, args[0], "changed", func(tx *syncengine.Tx, id syncengine.RowID, scope string) error {
				if err := ops.ResolveRefs(tx, t, values); err != nil {
					return err
				}
				if err := t.CheckUpdate(values); err != nil {
					return err
				}
				if err := checkRefs(tx, t, values, scope); err != nil {
					return err
				}
				return tx.Update(t.Name, id, values)
			})
			if err == nil {
				a.printStored(cmd.ErrOrStderr(), t, values, slices.Collect(maps.Keys(values)))
			}
			return err
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
		v, err := c.Parse(text)
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
			return a.writeOwnRow(cmd, t, args[0], "deleted", func(tx *syncengine.Tx, id syncengine.RowID, _ string) error {
				err := reconcile.DeleteRecord(tx, t.Name, id, withChildren)
				if deps := (*reconcile.DependentsError)(nil); errors.As(err, &deps) {
					return a.dependentsError(deps)
				}
				return err
			})
		},
	}
	if reconcile.DeletesWithChildren(t.Name) {
		cmd.Flags().BoolVar(&withChildren, "with-children", false, a.T("orphans.flag_with_children"))
	}
	return cmd
}

// ownRow returns the scope of a live row of one of the laptop's communes.
func ownRow(tx *syncengine.Tx, dev *ops.Device, t *schema.Table, id syncengine.RowID) (string, error) {
	scope, err := liveRow(tx, t.Name, id.String())
	if err != nil {
		return "", err
	}
	if !dev.Actor().InScope(scope) {
		return "", errMsg("error.row_other_commune", noun(t.Noun), id, scope)
	}
	return scope, nil
}

// writeOwnRow runs fn in a write transaction on a live row of one of the
// laptop's communes, given its id (ref, or the beginning of it) and its
// scope, and reports what it wrote.
func (a *app) writeOwnRow(cmd *cobra.Command, t *schema.Table, ref, what string, fn func(tx *syncengine.Tx, id syncengine.RowID, scope string) error) error {
	return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		changes := 0
		var id syncengine.RowID
		err := db.Write(ctx, func(tx *syncengine.Tx) error {
			var err error
			if id, err = ops.ResolveID(tx, t, ref); err != nil {
				return err
			}
			scope, err := ownRow(tx, dev, t, id)
			if err != nil {
				return err
			}
			err = fn(tx, id, scope)
			changes = tx.Changes()
			return err
		})
		if err != nil {
			return err
		}
		return a.printDone(cmd, what, t, id, changes)
	})
}

// printDone reports a change or delete: what, and how many changes it
// wrote (a delete also deletes the rows that belong to the row).
func (a *app) printDone(cmd *cobra.Command, what string, t *schema.Table, id syncengine.RowID, changes int) error {
	if a.json {
		return printJSON(cmd.OutOrStdout(), map[string]any{"id": id.String(), what: true, "changes": changes})
	}
	fmt.Fprintln(cmd.OutOrStdout(), a.T("done."+what, a.nounWord(t.Noun), id, a.count(changes, "count.change")))
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
