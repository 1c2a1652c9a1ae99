package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// table is a synced table as the engine uses it: its spec and the SQL that
// projects merged state into its domain table.
type table struct {
	TableSpec
	upsert string // INSERT ... ON CONFLICT (id) DO UPDATE, id first then Columns
	delete string
	index  map[string]int // column name -> position in Columns
}

// describe checks that the domain table of spec exists with every declared
// column, and prepares its projection SQL.
func (db *DB) describe(ctx context.Context, spec TableSpec) (*table, error) {
	have, err := tableColumns(ctx, db.r, spec.Name)
	if err != nil {
		return nil, err
	}
	for _, c := range append([]string{"id"}, spec.Columns...) {
		if !have[c] {
			return nil, fmt.Errorf("table %s has no column %s: the migrations and the table declarations disagree", spec.Name, c)
		}
	}
	t := &table{TableSpec: spec, index: map[string]int{}}
	cols := []string{quote("id")}
	marks := []string{"?"}
	var sets []string
	for i, c := range spec.Columns {
		t.index[c] = i
		cols = append(cols, quote(c))
		marks = append(marks, "?")
		sets = append(sets, quote(c)+" = excluded."+quote(c))
	}
	t.upsert = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
		quote(spec.Name), strings.Join(cols, ", "), strings.Join(marks, ", "), strings.Join(sets, ", "))
	t.delete = fmt.Sprintf("DELETE FROM %s WHERE id = ?", quote(spec.Name))
	return t, nil
}

func tableColumns(ctx context.Context, q querier, name string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, name)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", name, err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("describe %s: %w", name, err)
		}
		have[c] = true
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("table %s does not exist: the migrations and the table declarations disagree", name)
	}
	return have, rows.Err()
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// project writes the merged state of one row into its domain table: the
// row with the cells of its current life if it is alive, nothing if it is
// deleted. Cells written in an earlier life of the row (a lower causal
// length) are not shown: a re-created row starts empty.
func (t *table) project(ctx context.Context, tx *sql.Tx, id RowID, cl uint64, cells map[string]*version) error {
	if !Alive(cl) {
		if _, err := tx.ExecContext(ctx, t.delete, id.String()); err != nil {
			return fmt.Errorf("project %s %s: %w", t.Name, id, err)
		}
		return nil
	}
	args := make([]any, 1+len(t.Columns))
	args[0] = id.String()
	for col, v := range cells {
		if i, ok := t.index[col]; ok && v.cl == cl {
			args[1+i] = v.value.Any()
		}
	}
	if _, err := tx.ExecContext(ctx, t.upsert, args...); err != nil {
		return fmt.Errorf("project %s %s: %w", t.Name, id, err)
	}
	return nil
}

// reprojectNewColumns projects again every row of a table whose declared
// columns changed since it was last projected: a schema that learned a new
// column shows the values already kept in the cell store for it.
func (db *DB) reprojectNewColumns(ctx context.Context) error {
	for _, t := range db.order {
		key := "projected:" + t.Name
		want := strings.Join(t.Columns, ",")
		var have string
		if err := getMeta(ctx, db.r, key, &have); err == nil && have == want {
			continue
		}
		if err := db.reproject(ctx, t, key, want); err != nil {
			return fmt.Errorf("reproject %s: %w", t.Name, err)
		}
	}
	return nil
}

func (db *DB) reproject(ctx context.Context, t *table, key, want string) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer m.rollback()
	rows, err := m.tx.QueryContext(ctx, `SELECT row_id, scope, cl FROM sync_rows WHERE tbl = ?`, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var b []byte
		st := &rowState{}
		if err := rows.Scan(&b, &st.scope, &st.cl); err != nil {
			rows.Close()
			return err
		}
		k := rowKey{table: t.Name}
		copy(k.id[:], b)
		m.rows[k], m.dirty[k] = st, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := setMeta(ctx, m.tx, key, want); err != nil {
		return err
	}
	return m.commit()
}
