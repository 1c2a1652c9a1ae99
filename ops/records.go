package ops

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/schema/poverty"
	"hodan/syncengine"
)

// Written is what a change or a delete wrote: the record, and how many
// changes (a delete also deletes the records that belong to the row).
type Written struct {
	ID      syncengine.RowID
	Changes int
}

// AddRecord checks values as a new record of t and inserts it for who, on
// day: the defaults an officer need not type are filled in (ApplyDefaults),
// references typed as id prefixes are resolved, and the record must belong
// to one of who's communes, as every row it refers to must. A record dated
// by the visit's day is refused on a day the clock cannot say, unless its
// date is given. values is filled in as stored.
func AddRecord(ctx context.Context, db *syncengine.DB, who Actor, t *schema.Table, values map[string]any, day Day) (syncengine.RowID, error) {
	_, dated := t.Column(schema.ColVisitDate)
	if err := day.needVisitDate(dated, values); err != nil {
		return syncengine.RowID{}, err
	}
	if err := ApplyDefaults(who, t, values, day.Date); err != nil {
		return syncengine.RowID{}, err
	}
	var id syncengine.RowID
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		var err error
		id, _, err = insertRecord(tx, who, t, values)
		return err
	})
	return id, err
}

// insertRecord checks values, with their defaults filled in, as a new
// record of t for who and inserts it within tx; it returns the record's
// id and commune.
func insertRecord(tx *syncengine.Tx, who Actor, t *schema.Table, values map[string]any) (syncengine.RowID, string, error) {
	if err := ResolveRefs(tx, t, values); err != nil {
		return syncengine.RowID{}, "", err
	}
	if err := t.CheckInsert(values); err != nil {
		return syncengine.RowID{}, "", err
	}
	scope, err := newRowScope(tx, who, t, values)
	if err != nil {
		return syncengine.RowID{}, "", err
	}
	if err := CheckRefs(tx, t, values, scope); err != nil {
		return syncengine.RowID{}, "", err
	}
	id, err := tx.Insert(t.Name, values)
	return id, scope, err
}

// UpdateRecord changes the record of t that ref names (its id, or the
// beginning of it) to values, which it checks as AddRecord does; the
// record must be one of who's communes.
func UpdateRecord(ctx context.Context, db *syncengine.DB, who Actor, t *schema.Table, ref string, values map[string]any) (Written, error) {
	return writeOwnRow(ctx, db, who, t, ref, func(tx *syncengine.Tx, id syncengine.RowID, scope string) error {
		if err := ResolveRefs(tx, t, values); err != nil {
			return err
		}
		if err := t.CheckUpdate(values); err != nil {
			return err
		}
		if err := CheckRefs(tx, t, values, scope); err != nil {
			return err
		}
		return tx.Update(t.Name, id, values)
	})
}

// DeleteRecord deletes the record of t that ref names by
// reconcile.DeleteRecord's rule: a record that live records belong to is
// deleted only with them, when they can go with it (withChildren), so that
// nothing is left under nothing; the refusal names them.
func DeleteRecord(ctx context.Context, db *syncengine.DB, who Actor, t *schema.Table, ref string, withChildren bool) (Written, error) {
	return writeOwnRow(ctx, db, who, t, ref, func(tx *syncengine.Tx, id syncengine.RowID, _ string) error {
		err := reconcile.DeleteRecord(tx, t.Name, id, withChildren)
		if deps := (*reconcile.DependentsError)(nil); errors.As(err, &deps) {
			return dependentsError(deps)
		}
		return err
	})
}

// writeOwnRow runs fn in a write transaction on a live row of one of who's
// communes, given its id (ref, or the beginning of it) and its scope.
func writeOwnRow(ctx context.Context, db *syncengine.DB, who Actor, t *schema.Table, ref string, fn func(tx *syncengine.Tx, id syncengine.RowID, scope string) error) (Written, error) {
	var w Written
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		var err error
		if w.ID, err = ResolveID(tx, t, ref); err != nil {
			return err
		}
		scope, err := ownRow(tx, who, t, w.ID)
		if err != nil {
			return err
		}
		err = fn(tx, w.ID, scope)
		w.Changes = tx.Changes()
		return err
	})
	return w, err
}

// ApplyDefaults fills what an officer need not type: the commune when who
// records for only one, the day's date and the officer on a visit, the
// code system beside an ethnicity code, and beside a poverty status the
// poverty standard in force on the day. today is YYYY-MM-DD, or "" when
// the clock cannot say it (no date is filled in then).
func ApplyDefaults(who Actor, t *schema.Table, values map[string]any, today string) error {
	if t.ScopeColumn != "" && values[t.ScopeColumn] == nil {
		if len(who.Communes) != 1 {
			return fail("error.choose_commune", strings.ReplaceAll(t.ScopeColumn, "_", "-"), who.communeList())
		}
		values[t.ScopeColumn] = who.Communes[0]
	}
	defaults := map[string]struct {
		when  string
		value any
	}{
		schema.ColVisitDate:       {"", today},
		schema.ColEthnicitySystem: {schema.ColEthnicityCode, "qd121_1979"},
	}
	if values[schema.ColPovertyStatus] != nil && values[schema.ColPovertyStandard] == nil {
		if day, err := time.Parse(time.DateOnly, today); err == nil {
			if std, err := poverty.Standards().InForce(day); err == nil {
				values[schema.ColPovertyStandard] = std.ID
			}
		}
	}
	for _, c := range t.Columns {
		if c.Officer {
			values[c.Name] = who.Officer
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
// of who's.
func newRowScope(tx *syncengine.Tx, who Actor, t *schema.Table, values map[string]any) (string, error) {
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
	if !who.InScope(scope) {
		return "", fail("error.commune_not_ours", scope, who.communeList())
	}
	return scope, nil
}

// CheckRefs makes sure every row a value of t refers to exists here and
// belongs to commune scope.
func CheckRefs(tx *syncengine.Tx, t *schema.Table, values map[string]any, scope string) error {
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
			return fail("error.ref_other_commune", NounOf(c.Refers), ref, s, scope)
		}
	}
	return nil
}

// liveRow returns the scope of a live row, or an error a person can act on.
func liveRow(tx *syncengine.Tx, table, id string) (string, error) {
	rid, err := uuid.Parse(id)
	if err != nil {
		return "", fail("error.not_an_id", id, NounOf(table))
	}
	scope, alive, err := tx.Row(table, rid)
	if err != nil {
		return "", err
	}
	if !alive {
		return "", fail("error.no_such_row", NounOf(table), id, string(NounOf(table)))
	}
	return scope, nil
}

// ownRow returns the scope of a live row of one of who's communes.
func ownRow(tx *syncengine.Tx, who Actor, t *schema.Table, id syncengine.RowID) (string, error) {
	scope, err := liveRow(tx, t.Name, id.String())
	if err != nil {
		return "", err
	}
	if !who.InScope(scope) {
		return "", fail("error.row_other_commune", Noun(t.Noun), id, scope)
	}
	return scope, nil
}
