package console

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/reconcile"
	"hodan/schema"
)

// supportRow is a household given one kind of support more often than
// its period allows, as people read it.
type supportRow struct {
	reconcile.Overlap
	Village, Kind, Programs, When string
}

// support lists, read-only, the repeated support of the operator's
// communes (reconcile.SupportOverlaps): settling it is done on a laptop,
// and later here, once the console has the operations that do it.
func (c *Console) support(w http.ResponseWriter, r *http.Request, v *visit) error {
	found, err := reconcile.SupportOverlaps(r.Context(), c.cfg.DB.SQL(), 0, v.user().Communes)
	if err != nil {
		return err
	}
	villages, err := c.villageNames(r.Context())
	if err != nil {
		return err
	}
	rows := make([]supportRow, len(found))
	for i, o := range found {
		programs := make([]string, len(o.Programs))
		for j, p := range o.Programs {
			programs[j] = choiceLabel(v.lang, "support_records", "program", p)
		}
		rows[i] = supportRow{Overlap: o, Village: villages[o.Household.VillageID],
			Kind: choiceLabel(v.lang, "support_records", "kind", o.Kind), Programs: strings.Join(programs, ", ")}
		rows[i].When = i18n.T(v.lang, "console.support.ever")
		if o.Period == reconcile.Year {
			rows[i].When = i18n.T(v.lang, "console.support.year", o.Year)
		}
	}
	return c.render(w, r, http.StatusOK, "support", "/support", rows)
}

// villageNames maps each village to its name.
func (c *Console) villageNames(ctx context.Context) (map[string]string, error) {
	rows, err := c.cfg.DB.SQL().QueryContext(ctx, `SELECT id, name FROM villages`)
	if err != nil {
		return nil, fmt.Errorf("read villages: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read villages: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// choiceLabel is the label of an enumeration's value: the schema's
// Vietnamese label, or in English the value in words.
func choiceLabel(l i18n.Lang, table, column, value string) string {
	if l == i18n.VI {
		if t, ok := schema.TableByName(table); ok {
			if col, ok := t.Column(column); ok {
				for _, ch := range col.Enum {
					if ch.Value == value {
						return ch.Label
					}
				}
			}
		}
	}
	return strings.ReplaceAll(value, "_", " ")
}
