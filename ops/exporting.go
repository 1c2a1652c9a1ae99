package ops

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// ExportTableNames are the tables export knows, by SQL name.
func ExportTableNames() []string {
	var out []string
	for _, t := range schema.Tables() {
		out = append(out, t.Name)
	}
	return out
}

// ExportTable finds a table by its SQL name ("support_records"), its noun
// ("support") or its noun in the plural ("households").
func ExportTable(name string) (*schema.Table, bool) {
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	if t, ok := schema.TableByName(name); ok {
		return t, true
	}
	if t, ok := schema.TableByNoun(name); ok {
		return t, true
	}
	return schema.TableByNoun(strings.TrimSuffix(name, "s"))
}

// ExportOptions say what an export holds.
type ExportOptions struct {
	// Commune keeps one commune's records; "" keeps all.
	Commune string
	// Names heads a table's columns with their names, not their labels.
	Names bool
	// From and To bound the visits report's days (YYYY-MM-DD), both
	// included; "" leaves that end open.
	From, To string
}

// TableGrid reads every live row of t (of opts.Commune's records only,
// when set) in the order they were recorded: headers are the columns'
// Vietnamese labels (or names), which import reads back; enumerations are
// their labels, yes/no is Có/Không, dates are dates, a household's village
// is the village's name.
func TableGrid(ctx context.Context, db *syncengine.DB, t *schema.Table, opts ExportOptions) (*Grid, error) {
	q := db.SQL()
	header, cols := exportHeader(t, opts.Names)
	g := &Grid{Sheet: t.Label, Header: header}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	query, args := exportQuery(t, names, opts.Commune)
	villages, err := villageNames(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read %s: %w", t.Name, err)
		}
		out := make([]any, len(cols))
		for i, c := range cols {
			out[i] = exportValue(c, vals[i], villages)
		}
		g.Rows = append(g.Rows, out)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Name, err)
	}
	return g, nil
}

// exportHeader is the header of t's export and the column under each
// header: the row id first, then every column but those only Hodan's own
// commands write. The id column is a Text column: exported as it is.
func exportHeader(t *schema.Table, names bool) ([]string, []*schema.Column) {
	header := []string{"id"}
	cols := []*schema.Column{{Name: "id", Type: schema.Text}}
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Internal {
			continue
		}
		cols = append(cols, c)
		if names {
			header = append(header, c.Name)
		} else {
			header = append(header, c.Label)
		}
	}
	return header, cols
}

// exportQuery selects names of t's live rows, of one commune if given.
func exportQuery(t *schema.Table, names []string, commune string) (string, []any) {
	query := fmt.Sprintf("SELECT %s FROM %s", strings.Join(names, ", "), t.Name)
	var where []string
	var args []any
	if _, ok := t.Column(schema.ColMergedInto); ok {
		where = append(where, schema.ColMergedInto+" IS NULL")
	}
	if commune != "" {
		w, a := inCommunes(t, []string{commune})
		where, args = append(where, w), a
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return query + " ORDER BY id", args
}

// villageNames maps village ids to names.
func villageNames(ctx context.Context, q *sql.DB) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM villages`)
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

// exportValue is a stored value as a cell: see tableGrid.
func exportValue(c *schema.Column, v any, villages map[string]string) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case int64:
		if c.Type == schema.Bool {
			if x != 0 {
				return "Có"
			}
			return "Không"
		}
	case string:
		switch {
		case c.Type == schema.Date:
			if d, err := time.Parse(time.DateOnly, x); err == nil {
				return d
			}
		case c.Refers == schema.Villages.Name:
			if name, ok := villages[x]; ok {
				return name
			}
		case len(c.Enum) > 0:
			return c.ChoiceLabel(x)
		}
	}
	return v
}
