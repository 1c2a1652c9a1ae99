package app

// The rules of a record the guided visit, a merge and an import still
// check here, until they call ops as hodan household add does.

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/ops"
	"hodan/schema"
	"hodan/schema/poverty"
	"hodan/syncengine"
)

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
