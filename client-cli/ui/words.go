package ui

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// words says the values of records as people read them, in a language:
// names for codes and ids (an ethnic group, a village, a commune, a
// household), labels for an enumeration's values, dd/mm/yyyy for dates,
// numbers and money grouped as the language groups them.
type words struct {
	l        i18n.Lang
	villages map[string]string // village id to name
	heads    map[string]string // household id to its head's name
}

// words reads the names the records of this laptop are said with.
func (a *App) words(ctx context.Context, l i18n.Lang) (words, error) {
	w := words{l: l}
	var err error
	if w.villages, err = ops.Names(ctx, a.cfg.DB, schema.Villages); err != nil {
		return w, err
	}
	w.heads, err = ops.Names(ctx, a.cfg.DB, schema.Households)
	return w, err
}

// T is message key in the language.
func (w words) T(key string, args ...any) string { return i18n.T(w.l, key, args...) }

// label is the label of column col of t: the app's own where it names a
// code by what people see (an ethnic group, not its code), else the
// catalogue's.
func (w words) label(t *schema.Table, col string) string {
	if i18n.Default().Has("ui.column." + col) {
		return w.T("ui.column." + col)
	}
	return w.T("column." + t.Name + "." + col)
}

// value is v, a value of column c as a record holds it, for people; ""
// for none.
func (w words) value(c *schema.Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return w.yesNo(x)
	case int64:
		if c.Type == schema.Bool {
			return w.yesNo(x != 0)
		}
		if c.Money {
			return ops.VND(w.l, x)
		}
		return i18n.Number(w.l, c.Format(x))
	case float64:
		return i18n.Number(w.l, c.Format(x))
	case string:
		return w.text(c, x)
	}
	return ops.SafeText(fmt.Sprint(v))
}

// text is a text value of column c for people.
func (w words) text(c *schema.Column, s string) string {
	switch {
	case c.Type == schema.Date:
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return schema.FormatDate(d)
		}
	case len(c.Enum) > 0:
		return ops.ChoiceText(w.l, c, s)
	case c.Code != "":
		return ops.CodeText(w.l, c, s)
	case c.Refers == schema.Villages.Name:
		return w.villages[s]
	case c.Refers == schema.Households.Name:
		return w.heads[s]
	}
	return ops.SafeText(s)
}

func (w words) yesNo(b bool) string {
	if b {
		return w.T("ui.yes")
	}
	return w.T("ui.no")
}

// record is the value of each column of r, for people.
func (w words) record(t *schema.Table, r ops.Record) map[string]string {
	out := map[string]string{}
	for i := range t.Columns {
		c := &t.Columns[i]
		out[c.Name] = w.value(c, r[c.Name])
	}
	return out
}

// cell is a value of a conflict or a history, as the engine carries it
// (nil, int64, float64 or string), for people.
func (w words) cell(table, column string, v syncengine.Value) string {
	t, ok := schema.TableByName(table)
	if !ok {
		return ops.SafeText(v.String())
	}
	c, ok := t.Column(column)
	if !ok {
		return ops.SafeText(v.String())
	}
	return w.value(c, v.Any())
}

// officer names who wrote from a site: the officer, else the laptop.
func (w words) officer(name string, site syncengine.SiteID) string {
	if name != "" {
		return ops.SafeText(name)
	}
	return w.T("orphans.other_officer", site.String()[:8])
}

// compareNames orders names as people look them up: without tones and
// case first (reconcile.Fold), then as written.
func compareNames(a, b string) int {
	if c := cmp.Compare(reconcile.Fold(a), reconcile.Fold(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}
