package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

func (a *app) listCmd(t *schema.Table) *cobra.Command {
	var filter, search string
	var limit int
	nameCol := t.NameColumn
	cmd := &cobra.Command{
		Use:   "list",
		Short: a.T("list.short", lowerFirst(a.tableLabel(t))),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, _ *ops.Device) error {
				queryLimit := limit
				if search != "" {
					queryLimit = 0 // the search picks the rows, then the limit
				}
				rows, err := queryRows(ctx, db.SQL(), t, t.ScopeColumn+t.ParentColumn, filter, queryLimit)
				if err != nil {
					return err
				}
				if search != "" {
					rows = matching(rows, nameCol, search, limit)
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), rows)
				}
				return a.printTable(cmd.OutOrStdout(), t, append([]string{"id"}, t.Summary...), rows)
			})
		},
	}
	filterCol := t.ScopeColumn + t.ParentColumn
	cmd.Flags().StringVar(&filter, flagName(filterCol), "", a.T("list.flag_filter", lowerFirst(a.columnNamed(t, filterCol))))
	cmd.Flags().IntVar(&limit, "limit", 0, a.T("list.flag_limit"))
	if nameCol != "" {
		cmd.Flags().StringVar(&search, "search", "", a.T("list.flag_search", lowerFirst(a.columnNamed(t, nameCol))))
		cmd.Flags().StringVar(&search, "name", "", a.T("list.flag_search", lowerFirst(a.columnNamed(t, nameCol))))
		_ = cmd.Flags().MarkHidden("name") // --name is --search, as officers may type it
	}
	return cmd
}

func (a *app) showCmd(t *schema.Table) *cobra.Command {
	return &cobra.Command{
		Use:   a.T("show.use"),
		Short: a.T("show.short", noun(t.Noun)),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				id, err := ops.ResolveID(db.SQL(), t, args[0])
				if err != nil {
					return err
				}
				rows, err := queryRows(ctx, db.SQL(), t, "id", id.String(), 1)
				if err != nil {
					return err
				}
				if len(rows) == 0 {
					if err := a.deletedRow(ctx, db, dev, t, id); err != nil {
						return err
					}
					return errMsg("error.no_such_row", noun(t.Noun), id, t.Noun)
				}
				return a.printShown(ctx, cmd.OutOrStdout(), db, dev, t, rows[0])
			})
		},
	}
}

// matching keeps the rows whose column col holds the words of search, in
// order, with tones, capitals and spacing set aside (reconcile.Fold): "thi
// mai" finds "Lò Thị Mai". limit > 0 keeps at most that many.
func matching(rows []record, col, search string, limit int) []record {
	want := reconcile.Fold(search)
	out := []record{}
	for _, r := range rows {
		name, _ := r[col].(string)
		if strings.Contains(reconcile.Fold(name), want) {
			out = append(out, r)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out
}

// record is one row as the command line shows it: column name to value,
// with booleans as true or false.
type record map[string]any

// queryRows reads rows of t, all columns, optionally where column = value,
// in creation order (ids are time-ordered UUIDs).
func queryRows(ctx context.Context, q *sql.DB, t *schema.Table, column, value string, limit int) ([]record, error) {
	cols := append([]string{"id"}, t.ColumnNames()...)
	query := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), t.Name)
	var args []any
	var where []string
	if value != "" {
		where = append(where, column+" = ?")
		args = append(args, value)
	}
	if _, ok := t.Column(mergedInto); ok && column != "id" {
		where = append(where, mergedInto+" IS NULL") // merged households are shown only by id
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errMsg("error.read_table", t.Name, err)
	}
	return scanRecords(rows, t, cols)
}

// scanRecords reads rows holding cols of t into records, and closes rows.
func scanRecords(rows *sql.Rows, t *schema.Table, cols []string) ([]record, error) {
	defer rows.Close()
	out := []record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, errMsg("error.read_table", t.Name, err)
		}
		out = append(out, toRecord(t, cols, vals))
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errMsg("error.read_table", t.Name, err)
	}
	return out, nil
}

func toRecord(t *schema.Table, cols []string, vals []any) record {
	r := record{}
	for i, name := range cols {
		v := vals[i]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		if c, ok := t.Column(name); ok && c.Type == schema.Bool {
			if n, ok := v.(int64); ok {
				v = n != 0
			}
		}
		r[name] = v
	}
	return r
}
