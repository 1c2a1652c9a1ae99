package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// table is a synced table as the engine uses it: its spec and the SQL that
// projects merged state into its domain table.
type table struct {
	TableSpec
	types  []string // the declared type of each of Columns
	cast   func(colType string, v Value) any
	insert string         // INSERT INTO ... (id, Columns...) VALUES, for multiRow
	onDup  string         // ON CONFLICT (id) DO UPDATE SET every column
	delete string         // DELETE FROM ... WHERE id IN, for marks
	index  map[string]int // column name -> position in Columns
	// editable: rows can be projected by updating some columns
	// (partial.go), with idMark and marks (of each of Columns) as the
	// marks of their values.
	editable bool
	idMark   string
	marks    []string
}

// describe checks that the domain table of spec exists with every declared
// column, and prepares its projection SQL.
func (db *DB) describe(ctx context.Context, spec TableSpec) (*table, error) {
	have, err := db.dialect.columns(ctx, db.r, spec.Name)
	if err != nil {
		return nil, err
	}
	for _, c := range append([]string{"id"}, spec.Columns...) {
		if _, ok := have[c]; !ok {
			return nil, fmt.Errorf("table %s has no column %s: the migrations and the table declarations disagree", spec.Name, c)
		}
	}
	t := &table{TableSpec: spec, index: map[string]int{}, cast: db.dialect.project}
	cols := []string{quote("id")}
	var sets []string
	for i, c := range spec.Columns {
		t.index[c] = i
		t.types = append(t.types, have[c])
		cols = append(cols, quote(c))
		sets = append(sets, quote(c)+" = excluded."+quote(c))
	}
	t.insert = fmt.Sprintf("INSERT INTO %s (%s) VALUES ", quote(spec.Name), strings.Join(cols, ", "))
	t.onDup = " ON CONFLICT (id) DO UPDATE SET " + strings.Join(sets, ", ")
	t.delete = fmt.Sprintf("DELETE FROM %s WHERE id IN ", quote(spec.Name))
	t.describeMarks(db.dialect, have["id"])
	return t, nil
}

// describeMarks sets the marks of t's values in an update of some columns;
// t is editable if the dialect has one for every column.
func (t *table) describeMarks(d dialect, idType string) {
	var ok bool
	if t.idMark, ok = d.valueMark(idType); !ok {
		return
	}
	for _, typ := range t.types {
		mark, ok := d.valueMark(typ)
		if !ok {
			t.marks = nil
			return
		}
		t.marks = append(t.marks, mark)
	}
	t.editable = true
}

// inSQLite is t as a SQLite replica projects it, whatever this store: for
// the SQLite files (states, snapshots) a PostgreSQL store writes.
func (t *table) inSQLite() *table {
	c := *t
	c.cast = sqliteDialect{}.project
	c.marks = nil
	c.describeMarks(sqliteDialect{}, "")
	return &c
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// projection collects the rows of one table a flush projects.
type projection struct {
	t     *table
	alive []any     // id then Columns, for each live row
	dead  []any     // ids of deleted rows
	rows  int       // live rows in alive
	edits []rowEdit // live rows whose changed columns only are written
}

// add adds the merged state of one row: the row with the cells of its
// current life if it is alive, nothing if it is deleted. Cells written in
// an earlier life of the row (a lower causal length) are not shown: a
// re-created row starts empty.
func (p *projection) add(id RowID, cl uint64, cells map[string]*version) {
	if !Alive(cl) {
		p.dead = append(p.dead, id.String())
		return
	}
	row := make([]any, 1+len(p.t.Columns))
	row[0] = id.String()
	for col, v := range cells {
		if i, ok := p.t.index[col]; ok && v.cl == cl {
			row[1+i] = p.t.cast(p.t.types[i], v.value)
		}
	}
	p.alive = append(p.alive, row...)
}

// write writes the rows added into the domain table, in multi-row
// statements.
func (p *projection) write(ctx context.Context, tx *sql.Tx) error {
	width := 1 + len(p.t.Columns)
	for chunk := range slices.Chunk(p.alive, width*writeChunk) {
		q := multiRow(p.t.insert, width, len(chunk)/width, p.t.onDup)
		if _, err := tx.ExecContext(ctx, q, chunk...); err != nil {
			return fmt.Errorf("project %s: %w", p.t.Name, err)
		}
	}
	for chunk := range slices.Chunk(p.dead, prefetchChunk) {
		if _, err := tx.ExecContext(ctx, p.t.delete+marks(len(chunk)), chunk...); err != nil {
			return fmt.Errorf("project %s: %w", p.t.Name, err)
		}
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
	m, err := db.begin(ctx, durable)
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
		st.stored()
		st.shown = 0 // its domain row may show none of it: project it whole
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
