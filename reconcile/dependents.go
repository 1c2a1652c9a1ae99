package reconcile

import (
	"context"
	"fmt"
	"strings"

	"hodan/schema"
	"hodan/syncengine"
)

// Dependent is a live record that belongs to another: a household's
// members, visits, support and damage records and the households merged
// into it, or a village's shown households. Deleting the record it belongs
// to would hide it from every list (see Orphan), so DeleteRecord asks first.
type Dependent struct {
	Table string
	ID    syncengine.RowID
	Name  string // see recordName
}

// DependentsError refuses to delete a record that live records belong to.
// Cascade tells whether DeleteRecord would delete them too when asked to
// (a household's records); a village's households must be moved to
// another village or deleted first.
type DependentsError struct {
	Table      string
	ID         syncengine.RowID
	Name       string
	Dependents []Dependent
	Cascade    bool
}

func (e *DependentsError) Error() string {
	names := make([]string, 0, len(e.Dependents))
	for _, d := range e.Dependents {
		names = append(names, schemaNoun(d.Table)+" "+d.Name)
	}
	what := "move them to another " + schemaNoun(e.Table) + " or delete them first"
	if e.Cascade {
		what = "delete with its records to delete them too"
	}
	return fmt.Sprintf("%s %s still has %d live records (%s): %s", schemaNoun(e.Table), e.Name, len(e.Dependents), strings.Join(names, "; "), what)
}

// DeletesWithChildren reports whether DeleteRecord deletes the live
// records that belong to a row of table when asked to (withChildren):
// only a household's.
func DeletesWithChildren(table string) bool { return table == "households" }

// Dependents lists, within tx, the live records that belong to the row id
// of table, in the order of the tables, then by id.
func Dependents(tx *syncengine.Tx, table string, id syncengine.RowID) ([]Dependent, error) {
	ctx, q := context.Background(), txQuerier{tx}
	var found []record
	var err error
	switch table {
	case "households":
		if found, err = childrenOf(ctx, q, id.String()); err == nil {
			var merged []record
			merged, err = idsWhere(ctx, q, "households", "merged_into = ?", id.String())
			found = append(merged, found...)
		}
	case "villages":
		found, err = idsWhere(ctx, q, "households", "village_id = ? AND merged_into IS NULL", id.String())
	}
	if err != nil {
		return nil, err
	}
	out := make([]Dependent, 0, len(found))
	for _, r := range found {
		values, err := readRecord(ctx, q, r.table, r.id)
		if err != nil {
			return nil, err
		}
		out = append(out, Dependent{Table: r.table, ID: r.id, Name: recordName(r.table, values)})
	}
	return out, nil
}

// DeleteRecord deletes the live row id of table within tx, refusing with a
// *DependentsError while live records belong to it, unless withChildren is
// set and they can go with it: a household's records and the households
// merged into it (each with its own records). A village is never deleted
// with its households. This is the one rule every front end deletes by,
// so that nothing it deletes leaves records that no list shows.
func DeleteRecord(tx *syncengine.Tx, table string, id syncengine.RowID, withChildren bool) error {
	deps, err := Dependents(tx, table, id)
	if err != nil {
		return err
	}
	cascade := DeletesWithChildren(table)
	if len(deps) > 0 && (!withChildren || !cascade) {
		values, err := readRecord(context.Background(), txQuerier{tx}, table, id)
		if err != nil {
			return err
		}
		return &DependentsError{Table: table, ID: id, Name: recordName(table, values), Dependents: deps, Cascade: cascade}
	}
	// The row goes first (the engine deletes its child rows with it), so
	// that a cycle of merges ends here.
	if err := tx.Delete(table, id); err != nil {
		return err
	}
	for _, d := range deps {
		_, alive, err := tx.Row(d.Table, d.ID)
		if err == nil && alive {
			err = DeleteRecord(tx, d.Table, d.ID, true)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// schemaNoun is the schema's noun of a table's rows (household), in the
// English of errors for programs.
func schemaNoun(table string) string {
	if t, ok := schema.TableByName(table); ok {
		return t.Noun
	}
	return table
}
