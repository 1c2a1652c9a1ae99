package console

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"hodan/indicators"
	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/server/accounts"
	"hodan/syncengine"
)

// freshness is what waits on people in the operator's communes, now:
// laptops silent for SilentAfter, households nobody visited this year,
// conflicts nobody has looked at, records waiting to be settled.
type freshness struct {
	Year         int
	Laptops      []laptop
	Unvisited    []indicators.UnvisitedHousehold
	Conflicts    []conflictRow
	Unsettled    []reconcile.Orphan
	CanLaptops   bool // the operator may open the page of laptops
	CanConflicts bool // … and the page of conflicts
}

// freshness reads what waits on people in the communes of v's operator.
func (c *Console) freshness(ctx context.Context, v *visit) (*freshness, error) {
	u, now := v.user(), c.cfg.Now()
	f := &freshness{Year: now.In(schema.Vietnam).Year(), CanLaptops: u.Can(accounts.ManageDevices),
		CanConflicts: u.Can(accounts.Reconcile)}
	laptops, err := c.laptopsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, l := range laptops {
		if l.Silent(now) {
			f.Laptops = append(f.Laptops, l)
		}
	}
	if f.Unvisited, err = indicators.Unvisited(ctx, c.cfg.DB, u.Communes, now); err != nil {
		return nil, err
	}
	name, err := c.officerNames(ctx)
	if err != nil {
		return nil, err
	}
	if f.Conflicts, err = c.openConflictRows(ctx, v.lang, u.Communes, name); err != nil {
		return nil, err
	}
	if f.Unsettled, err = reconcile.Orphans(ctx, c.cfg.DB, u.Communes, name); err != nil {
		return nil, err
	}
	return f, nil
}

// freshnessPage lists what waits on people: the page the counts of the
// reports link to.
func (c *Console) freshnessPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	f, err := c.freshness(r.Context(), v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "freshness", "/reports", f)
}

// record names a record for people: a household by its head, a member
// or a village by its name, a record of a household by the household's
// head; with the household's number and village, and the head's name
// (Household) for a record of a household other than the household
// itself. Nothing for one deleted since.
type record struct{ Name, Number, Village, Household string }

// householdPlace is the SQL of the number and the village name of the
// household h.
const householdPlace = `coalesce(h.household_number, ''), coalesce((SELECT v.name FROM villages v WHERE v.id = h.village_id), '')`

// recordOf names the record row of table for people (see record).
func (c *Console) recordOf(ctx context.Context, table string, row syncengine.RowID) (record, error) {
	t, ok := schema.TableByName(table)
	if !ok {
		return record{}, nil
	}
	var q string
	switch {
	case table == "households":
		q = `SELECT coalesce(h.head_name, ''), ` + householdPlace + `, '' FROM households h WHERE h.id = ?`
	case table == "villages":
		q = `SELECT coalesce(name, ''), '', '', '' FROM villages WHERE id = ?`
	case t.ParentTable == "households":
		name := "h.head_name"
		if table == "members" {
			name = "r.full_name"
		}
		q = fmt.Sprintf(`SELECT coalesce(%s, ''), %s, coalesce(h.head_name, '') FROM "%s" r JOIN households h ON h.id = r."%s" WHERE r.id = ?`,
			name, householdPlace, t.Name, t.ParentColumn) // names of the schema
	default:
		return record{}, nil
	}
	var r record
	err := c.cfg.DB.SQL().QueryRowContext(ctx, q, row.String()).Scan(&r.Name, &r.Number, &r.Village, &r.Household)
	if errors.Is(err, sql.ErrNoRows) {
		return record{}, nil
	}
	if err != nil {
		return record{}, fmt.Errorf("name the record: %w", err)
	}
	return r, nil
}

// valueText writes a field's value for people: an enumeration's label,
// yes or no, a date as dd/mm/yyyy, money and numbers grouped, a code by
// its name, the text; "(trống)" for none.
func valueText(l i18n.Lang, table, column string, v syncengine.Value) string {
	if v.IsNull() {
		return i18n.T(l, "console.fresh.empty")
	}
	t, ok := schema.TableByName(table)
	if !ok {
		return v.String()
	}
	col, ok := t.Column(column)
	if !ok {
		return v.String()
	}
	switch x := v.Any().(type) {
	case int64:
		switch {
		case col.Type == schema.Bool:
			return i18n.T(l, "console.fresh.bool."+strings.TrimSpace(v.String()))
		case col.Money:
			return ops.VND(l, x)
		}
		return i18n.Number(l, col.Format(x))
	case float64:
		return i18n.Number(l, col.Format(x))
	case string:
		return textValue(l, table, col, x)
	}
	return v.String()
}

// textValue writes a text value of column col of table for people.
func textValue(l i18n.Lang, table string, col *schema.Column, s string) string {
	switch {
	case len(col.Enum) > 0:
		return ops.ChoiceText(l, col, s)
	case col.Type == schema.Date:
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return schema.FormatDate(d)
		}
	case col.Code != "":
		return ops.CodeText(l, col, s)
	}
	return s
}

// orphanWhy says in l why a record waits to be settled: what was deleted,
// when and by whom, as far as the server knows.
func orphanWhy(l i18n.Lang, o reconcile.Orphan) string {
	what := o.Deleted.Table
	if t, ok := schema.TableByName(o.Deleted.Table); ok {
		what = i18n.T(l, "noun."+t.Noun)
	}
	name := o.Deleted.Name
	if name == "" {
		name = i18n.T(l, "console.fresh.unnamed")
	}
	s := i18n.T(l, "console.fresh.why."+o.Reason, what, name)
	if o.Deleted.At != nil {
		s += " " + i18n.T(l, "console.fresh.deleted_on", schema.FormatDay(*o.Deleted.At))
	}
	if o.Deleted.Officer != "" {
		s += " " + i18n.T(l, "console.fresh.deleted_by", o.Deleted.Officer)
	}
	return s
}
