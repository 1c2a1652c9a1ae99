package console

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
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
	rows := make([]supportRow, len(found))
	for i, o := range found {
		programs := make([]string, len(o.Programs))
		for j, p := range o.Programs {
			programs[j] = choiceLabel(v.lang, "support_records", "program", p)
		}
		village, err := c.villageName(r.Context(), o.Household.VillageID)
		if err != nil {
			return err
		}
		rows[i] = supportRow{Overlap: o, Village: village,
			Kind: choiceLabel(v.lang, "support_records", "kind", o.Kind), Programs: strings.Join(programs, ", ")}
		rows[i].When = i18n.T(v.lang, "console.support.ever")
		if o.Period == reconcile.Year {
			rows[i].When = i18n.T(v.lang, "console.support.year", o.Year)
		}
	}
	return c.render(w, r, http.StatusOK, "support", "/support", rows)
}

// villageName is the name of the village of id ("" for none).
func (c *Console) villageName(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	var name string
	err := c.cfg.DB.SQL().QueryRowContext(ctx, `SELECT name FROM villages WHERE id = ?`, id).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read village: %w", err)
	}
	return name, nil
}

// choiceLabel is the label of a value of table's column, an enumeration,
// as people of l read it (ops.ChoiceText).
func choiceLabel(l i18n.Lang, table, column, value string) string {
	if t, ok := schema.TableByName(table); ok {
		if c, ok := t.Column(column); ok {
			return ops.ChoiceText(l, c, value)
		}
	}
	return value
}
