package console

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// conflictRow is an open conflict as people read it: whose record (with
// its household's number and village), which field, the value kept and
// the one it displaced, and who wrote them; each side as the page of
// conflicts shows it.
type conflictRow struct {
	ID              string // the conflict's, for the form that resolves it
	Commune, Field  string
	Table           string
	Noun            string // what the record is: a household, a member…
	Record          record
	Kept, Other     string
	KeptBy, OtherBy string
	When            string
	Sides           []conflictSide
}

// conflictSide is one write of a conflict: its value in words, who wrote
// it and when, and whether the record holds it now.
type conflictSide struct {
	Write          int // its index among the conflict's writes (ops.ResolveKeeping)
	Value, Who     string
	When           string // dd/mm/yyyy HH:MM
	Current, Empty bool
}

// openConflictRows lists the open conflicts of communes (all when none).
func (c *Console) openConflictRows(ctx context.Context, l i18n.Lang, communes []string, officer func(syncengine.SiteID) string) ([]conflictRow, error) {
	found, err := c.cfg.DB.Conflicts(ctx, syncengine.ConflictQuery{Scopes: communes})
	if err != nil {
		return nil, err
	}
	var out []conflictRow
	for _, cv := range syncengine.OpenOnly(syncengine.Views(found, officer)) {
		row, err := c.conflictRow(ctx, l, cv)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// conflictRow says conflict cv for people in l.
func (c *Console) conflictRow(ctx context.Context, l i18n.Lang, cv syncengine.ConflictView) (conflictRow, error) {
	rec, err := c.recordOf(ctx, cv.Table, cv.Row)
	if err != nil {
		return conflictRow{}, err
	}
	row := conflictRow{ID: cv.ID, Commune: CommuneName(cv.Scope), Record: rec, Table: cv.Table, Noun: nounOf(l, cv.Table),
		Field: i18n.T(l, "column."+cv.Table+"."+cv.Column)}
	if row.Kept, err = c.cellText(ctx, l, cv.Table, cv.Column, cv.Current); err != nil {
		return conflictRow{}, err
	}
	for i, x := range cv.Values {
		who := x.Officer
		if who == "" {
			who = i18n.T(l, "console.fresh.unknown_officer")
		}
		value, err := c.cellText(ctx, l, cv.Table, cv.Column, x.Value)
		if err != nil {
			return conflictRow{}, err
		}
		row.Sides = append(row.Sides, conflictSide{Write: i, Value: value, Who: who, When: schema.FormatDayTime(x.WrittenAt),
			Current: x.Value.Equal(cv.Current), Empty: x.Value.IsNull()})
		if x.Won {
			row.KeptBy, row.When = who, schema.FormatDayTime(x.WrittenAt)
		} else {
			row.Other, row.OtherBy = value, who
		}
	}
	return row, nil
}

// cellText is valueText, but a reference to a record (a village, a
// household) by the record's name rather than its id.
func (c *Console) cellText(ctx context.Context, l i18n.Lang, table, column string, v syncengine.Value) (string, error) {
	t, ok := schema.TableByName(table)
	if !ok || v.IsNull() {
		return valueText(l, table, column, v), nil
	}
	col, ok := t.Column(column)
	if !ok || col.Refers == "" {
		return valueText(l, table, column, v), nil
	}
	id, err := uuid.Parse(v.String())
	if err != nil {
		return valueText(l, table, column, v), nil
	}
	rec, err := c.recordOf(ctx, col.Refers, id)
	if rec.Name == "" {
		rec.Name = i18n.T(l, "console.fresh.unnamed")
	}
	return rec.Name, err
}

// conflicts lists the open conflicts of the operator's communes, each
// with its two values side by side and a button to keep either.
func (c *Console) conflicts(w http.ResponseWriter, r *http.Request, v *visit) error {
	names, err := c.officerNames(r.Context())
	if err != nil {
		return err
	}
	rows, err := c.openConflictRows(r.Context(), v.lang, v.user().Communes, names)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "conflicts", "/conflicts", rows)
}

// officerNames names the officer of a laptop's site, "" for one the
// registry does not know.
func (c *Console) officerNames(ctx context.Context) (func(syncengine.SiteID) string, error) {
	officers, err := c.cfg.Registry.Officers(ctx)
	if err != nil {
		return nil, err
	}
	return func(s syncengine.SiteID) string { return officers[s] }, nil
}

// keepValue resolves the conflict {id} of the operator's communes keeping
// the value of its write ?write= (ops.ResolveKeeping, the operation of
// the officer's app) on the server's database: an ordinary change that
// laptops pull at their next sync. A conflict resolved meanwhile (by a
// laptop, or by the same button clicked twice) is said so, and nothing
// is written. The check and the write hold c.resolving, so that two
// clicks at once write once.
func (c *Console) keepValue(w http.ResponseWriter, r *http.Request, v *visit) error {
	write, err := strconv.Atoi(r.PostFormValue("write"))
	if err != nil {
		return &problem{status: http.StatusBadRequest, key: "console.conflicts.choose"}
	}
	c.resolving.Lock()
	defer c.resolving.Unlock()
	cv, err := c.findConflict(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if write < 0 || write >= len(cv.Values) {
		return &problem{status: http.StatusBadRequest, key: "console.conflicts.choose"}
	}
	row, err := c.conflictRow(r.Context(), v.lang, *cv)
	if err != nil {
		return err
	}
	if cv.Resolved {
		return c.redirect(w, r, "/conflicts", flash{Key: "console.flash.conflict_gone", Args: []string{row.Field, recordText(v.lang, row)}})
	}
	kept := cv.Values[write]
	logged := func(tx *sql.Tx) error {
		return c.cfg.Accounts.RecordTx(r.Context(), tx, actor(r, v), "conflict.resolve", cv.ID, map[string]any{
			"commune": cv.Scope, "table": cv.Table, "row_id": cv.Row.String(), "column": cv.Column, "value": kept.Value,
			"written_by": kept.Officer, "record": row.Record.Name, "number": row.Record.Number, "household": row.Record.Household})
	}
	if _, err := ops.ResolveKeepingLogged(r.Context(), c.cfg.DB, *cv, write, logged); err != nil {
		if text, ok := ops.ExplainKnown(v.lang, err); ok {
			return c.redirect(w, r, "/conflicts", flash{Key: "console.flash.resolve_failed", Args: []string{strings.TrimSuffix(text, ".")}})
		}
		return err
	}
	side := row.Sides[write]
	return c.redirect(w, r, "/conflicts", flash{OK: true, Key: "console.flash.conflict_resolved",
		Args: []string{side.Value, side.Who, row.Field, recordText(v.lang, row)}})
}

// findConflict is the conflict id of the operator's communes; 403 for
// one of another commune, 404 for no conflict.
func (c *Console) findConflict(ctx context.Context, v *visit, id string) (*syncengine.ConflictView, error) {
	names, err := c.officerNames(ctx)
	if err != nil {
		return nil, err
	}
	communes := v.user().Communes
	for _, scopes := range [][]string{communes, nil} {
		found, err := c.cfg.DB.Conflicts(ctx, syncengine.ConflictQuery{Scopes: scopes})
		if err != nil {
			return nil, err
		}
		for _, cv := range syncengine.Views(found, names) {
			switch {
			case cv.ID != id:
			case v.user().Sees(cv.Scope):
				return &cv, nil
			default:
				return nil, forbid("console.refused.commune")
			}
		}
		if len(communes) == 0 {
			break // every commune was looked at
		}
	}
	return nil, missing("console.conflicts.unknown")
}

// recordText names the record of a conflict for people in l: a household
// by its head and number, another record by its name and its household.
func recordText(l i18n.Lang, row conflictRow) string {
	r := row.Record
	name := r.Name
	if name == "" {
		name = i18n.T(l, "console.fresh.unnamed")
	}
	h := householdLabel(l, reconcile.Household{HeadName: r.Household, HouseholdNumber: r.Number})
	switch {
	case row.Table == schema.Members.Name:
		return i18n.T(l, "console.conflicts.of_household", row.Noun, name, h)
	case r.Household != "": // a visit, support, damage: named by its household
		return i18n.T(l, "console.conflicts.household_record", row.Noun, h)
	case row.Table == schema.Households.Name:
		return i18n.T(l, "console.conflicts.the_household", householdLabel(l, reconcile.Household{HeadName: name, HouseholdNumber: r.Number}))
	}
	return name
}

// nounOf is what a record of table is, in l: hộ, nhân khẩu…
func nounOf(l i18n.Lang, table string) string {
	if t, ok := schema.TableByName(table); ok {
		return i18n.T(l, "noun."+t.Noun)
	}
	return table
}

// resolvedAbout says a resolution of the action log for the auditor: the
// field, whose record, and the value kept.
func resolvedAbout(l i18n.Lang, detail json.RawMessage) (string, bool) {
	var d struct {
		Table, Column, Record, Number, Household string
		Value                                    syncengine.Value
	}
	if json.Unmarshal(detail, &d) != nil {
		return "", false
	}
	row := conflictRow{Table: d.Table, Noun: nounOf(l, d.Table), Record: record{Name: d.Record, Number: d.Number, Household: d.Household}}
	return i18n.T(l, "console.audit.resolved", i18n.T(l, "column."+d.Table+"."+d.Column), recordText(l, row),
		valueText(l, d.Table, d.Column, d.Value)), true
}
