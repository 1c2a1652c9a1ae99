package app

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// exportOptions are the flags of hodan export.
type exportOptions struct {
	out, commune, from, to string
	names                  bool // headers are column names, not labels
	force                  bool // replace a file already at out
}

// exportCmd is hodan export: a table, or the visits report, into a file a
// commune can open in Excel and send up.
func (a *app) exportCmd() *cobra.Command {
	var opts exportOptions
	cmd := &cobra.Command{
		Use:   "export TABLE|visits-report --out FILE.xlsx|FILE.csv",
		Short: a.T("export.short"),
		Long:  a.T("export.long", strings.Join(exportTableNames(), ", ")),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usageError{a.Errorf("export.err.no_out")}
			}
			if _, err := a.exportFormat(opts.out); err != nil {
				return err
			}
			if _, err := os.Lstat(opts.out); err == nil && !opts.force {
				return a.existsError(opts.out)
			}
			return a.export(cmd, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", a.T("export.flag.out"))
	f.StringVar(&opts.commune, "commune", "", a.T("export.flag.commune"))
	f.StringVar(&opts.from, "from", "", a.T("export.flag.from"))
	f.StringVar(&opts.to, "to", "", a.T("export.flag.to"))
	f.BoolVar(&opts.names, "column-names", false, a.T("export.flag.column_names"))
	f.BoolVar(&opts.force, "force", false, a.T("export.flag.force"))
	return cmd
}

// exportTableNames are the tables export knows, by SQL name.
func exportTableNames() []string {
	var out []string
	for _, t := range schema.Tables() {
		out = append(out, t.Name)
	}
	return out
}

// exportTable finds a table by its SQL name ("support_records"), its noun
// ("support") or its noun in the plural ("households").
func exportTable(name string) (*schema.Table, bool) {
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	if t, ok := schema.TableByName(name); ok {
		return t, true
	}
	if t, ok := schema.TableByNoun(name); ok {
		return t, true
	}
	return schema.TableByNoun(strings.TrimSuffix(name, "s"))
}

func (a *app) export(cmd *cobra.Command, what string, opts exportOptions) error {
	return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		if opts.commune != "" && !dev.Actor().InScope(opts.commune) {
			return a.Errorf("import.err.commune_flag", opts.commune, strings.Join(dev.Communes, ", "))
		}
		var g *grid
		var err error
		if what == "visits-report" || what == "visit-report" {
			g, err = a.visitsReport(ctx, db.SQL(), opts)
		} else if t, ok := exportTable(what); ok {
			g, err = a.tableGrid(ctx, db.SQL(), t, opts)
		} else {
			return usageError{a.Errorf("export.err.table", what, strings.Join(exportTableNames(), ", "))}
		}
		if err != nil {
			return err
		}
		if err := a.writeGrid(opts.out, g, opts.force); err != nil {
			return err
		}
		if a.json {
			return printJSON(cmd.OutOrStdout(), map[string]any{"file": opts.out, "rows": len(g.rows)})
		}
		fmt.Fprintln(cmd.OutOrStdout(), a.T("export.done", len(g.rows), opts.out))
		return nil
	})
}

// tableGrid reads every live row of t (of one commune with --commune) in
// the order they were recorded: headers are the columns' Vietnamese labels
// (or names), which hodan import reads back; enumerations are their
// labels, yes/no is Có/Không, dates are dates, a household's village is
// the village's name.
func (a *app) tableGrid(ctx context.Context, q *sql.DB, t *schema.Table, opts exportOptions) (*grid, error) {
	header, cols := exportHeader(t, opts.names)
	g := &grid{sheet: t.Label, header: header}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	query, args := exportQuery(t, names, opts.commune)
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
		g.rows = append(g.rows, out)
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
		if t.ScopeColumn != "" {
			where = append(where, t.ScopeColumn+" = ?")
		} else {
			where = append(where, t.ParentColumn+" IN (SELECT id FROM "+t.ParentTable+" WHERE commune_code = ?)")
		}
		args = append(args, commune)
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
		case c.Refers == "villages":
			if name, ok := villages[x]; ok {
				return name
			}
		case len(c.Enum) > 0:
			return choiceLabel(c, x)
		}
	}
	return v
}

// choiceLabel is the Vietnamese label of an enumeration's value.
func choiceLabel(c *schema.Column, value string) string {
	for _, ch := range c.Enum {
		if ch.Value == value {
			return ch.Label
		}
	}
	return value
}
