package ops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// Record is one row as front ends show it: column name to value, the id
// under "id", booleans as true or false, text as text.
type Record map[string]any

// ListQuery says which records of a table List returns. A household
// merged into another is listed only by its id (Show).
type ListQuery struct {
	// Of keeps the records of one commune (the value of a root table's
	// scope column) or of one household (a child table's parent); ""
	// keeps all.
	Of string
	// Communes keeps the records of these communes; nil keeps all (a
	// laptop holds only its own).
	Communes []string
	// Search keeps the records whose name (the table's NameColumn) holds
	// these words in this order, with tones, capitals and spacing set
	// aside (reconcile.Fold): "thi mai" finds "Lò Thị Mai".
	Search string
	// Limit > 0 returns at most that many.
	Limit int
}

// List returns the records of t that q asks for, in the order they were
// created (ids are time-ordered).
func List(ctx context.Context, db *syncengine.DB, t *schema.Table, q ListQuery) ([]Record, error) {
	limit := q.Limit
	if q.Search != "" {
		limit = 0 // the search picks the rows, then the limit
	}
	where, args := []string{}, []any{}
	if q.Of != "" {
		where, args = append(where, t.ScopeColumn+t.ParentColumn+" = ?"), append(args, q.Of)
	}
	if w, a := inCommunes(t, q.Communes); w != "" {
		where, args = append(where, w), append(args, a...)
	}
	if _, ok := t.Column(schema.ColMergedInto); ok {
		where = append(where, schema.ColMergedInto+" IS NULL") // merged households are shown only by id
	}
	rows, err := readRecords(ctx, db.SQL(), t, where, args, limit)
	if err != nil || q.Search == "" {
		return rows, err
	}
	return matching(rows, t.NameColumn, q.Search, q.Limit), nil
}

// inCommunes is the SQL condition, and its arguments, that keeps the rows
// of t in communes; "" for nil, which keeps all.
func inCommunes(t *schema.Table, communes []string) (string, []any) {
	if communes == nil {
		return "", nil
	}
	in, args := inList(communes)
	if t.ScopeColumn != "" {
		return t.ScopeColumn + " " + in, args
	}
	return fmt.Sprintf("%s IN (SELECT id FROM %s WHERE %s %s)", t.ParentColumn, t.ParentTable, schema.ColCommuneCode, in), args
}

// inList is the SQL condition "IN (?, …)" of values, and its arguments.
func inList(values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return "IN (" + strings.TrimSuffix(strings.Repeat("?,", len(values)), ",") + ")", args
}

// matching keeps the records whose column col holds the words of search
// (see ListQuery.Search); limit > 0 keeps at most that many.
func matching(rows []Record, col, search string, limit int) []Record {
	want := reconcile.Fold(search)
	out := []Record{}
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

// Shown is a record Show found and, when it is an orphan, the orphan
// (see reconcile.Orphans): why, and how to settle it.
type Shown struct {
	Record Record
	Orphan *reconcile.Orphan
	// Refs names the records this one refers to, by column: its village,
	// its household (by the head's name), its visit.
	Refs map[string]string
}

// Show finds the record of t that ref names (its id, or the beginning of
// it), merged households too. A record this replica holds deleted is an
// error saying who deleted it and when, named by names.
func Show(ctx context.Context, db *syncengine.DB, who Actor, names Namer, t *schema.Table, ref string) (Shown, error) {
	id, err := ResolveID(db.SQL(), t, ref)
	if err != nil {
		return Shown{}, err
	}
	rows, err := readRecords(ctx, db.SQL(), t, []string{"id = ?"}, []any{id.String()}, 1)
	if err != nil {
		return Shown{}, err
	}
	if len(rows) == 0 {
		if err := deletedRow(ctx, db, names, t, id); err != nil {
			return Shown{}, err
		}
		return Shown{}, fail("error.no_such_row", Noun(t.Noun), id, t.Noun)
	}
	o, err := orphanOf(ctx, db, who, names, t, id)
	if err != nil {
		return Shown{}, err
	}
	refs, err := refNames(ctx, db.SQL(), t, rows[0])
	return Shown{Record: rows[0], Orphan: o, Refs: refs}, err
}

// refNames names the records r refers to, by column (see recordNameSQL);
// a reference to no record it holds is left out.
func refNames(ctx context.Context, q *sql.DB, t *schema.Table, r Record) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range t.Columns {
		id, ok := r[c.Name].(string)
		refers, known := schema.TableByName(c.Refers)
		if c.Type != schema.Ref || !ok || !known {
			continue
		}
		var name string
		err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT COALESCE(%s, '') FROM %s x WHERE id = ?`, recordNameSQL(refers), refers.Name), id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fail("error.read_table", refers.Name, err)
		}
		out[c.Name] = SafeText(name)
	}
	return out, nil
}

// readRecords reads the rows of t, all columns, where every condition of
// where holds, by id.
func readRecords(ctx context.Context, q *sql.DB, t *schema.Table, where []string, args []any, limit int) ([]Record, error) {
	cols := append([]string{"id"}, t.ColumnNames()...)
	query := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), t.Name)
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	return scanRecords(rows, t, cols)
}

// scanRecords reads rows holding cols of t into records, and closes rows.
func scanRecords(rows *sql.Rows, t *schema.Table, cols []string) ([]Record, error) {
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		out = append(out, toRecord(t, cols, vals))
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fail("error.read_table", t.Name, err)
	}
	return out, nil
}

func toRecord(t *schema.Table, cols []string, vals []any) Record {
	r := Record{}
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

// Names maps the id of every record of t this replica holds, merged
// households too, to the name people know it by (t.NameColumn), for a
// front end that shows names where records hold ids; nil for a table
// whose records have no name.
func Names(ctx context.Context, db *syncengine.DB, t *schema.Table) (map[string]string, error) {
	if t.NameColumn == "" {
		return nil, nil
	}
	rows, err := db.SQL().QueryContext(ctx, fmt.Sprintf("SELECT id, COALESCE(%s, '') FROM %s", t.NameColumn, t.Name))
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		out[id] = SafeText(name)
	}
	return out, rows.Err()
}
