package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// CopyTables copies this replica's tables whose names start with prefix,
// as they are now, into the SQLite file at path (a state WriteState
// wrote), creating them, with their indexes, as a SQLite replica of this
// schema has them. It is for the reference tables (ref_), which no change
// writes and every database of the schema holds alike, that the queries
// over a state join beside the domain tables.
func (db *DB) CopyTables(ctx context.Context, prefix, path string) error {
	names, err := db.tablesNamed(ctx, prefix)
	if err != nil || len(names) == 0 {
		return err
	}
	open := db.openState
	if db.dialect.postgres() {
		open = db.openStateFromPostgres
	}
	s, done, err := open(ctx, path, names)
	if err != nil {
		return fmt.Errorf("copy tables: %w", err)
	}
	defer done()
	if err := s.create(false); err != nil {
		return err
	}
	for _, name := range names {
		if err := s.copyTable(name); err != nil {
			return fmt.Errorf("copy %s: %w", name, err)
		}
	}
	if err := s.create(true); err != nil {
		return err
	}
	return s.tx.Commit()
}

// tablesNamed are the names of this replica's tables that start with
// prefix, sorted.
func (db *DB) tablesNamed(ctx context.Context, prefix string) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\'`
	if db.dialect.postgres() {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name LIKE ? ESCAPE '\'`
	}
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix) + "%"
	rows, err := db.r.QueryContext(ctx, q, like)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, rows.Err()
}

// copyTable copies the rows of table from src: inside SQLite when src is
// attached, else a page at a time.
func (s *stateWriter) copyTable(table string) error {
	if s.prefix != "" {
		_, err := s.tx.ExecContext(s.ctx, `INSERT INTO main.`+quote(table)+` SELECT * FROM `+s.prefix+quote(table))
		return err
	}
	rows, err := s.src.QueryContext(s.ctx, `SELECT * FROM `+quote(table))
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quote(c)
	}
	w := &chunkWriter{b: &builder{ctx: s.ctx, tx: s.tx}, cols: len(cols),
		prefix: `INSERT INTO main.` + quote(table) + ` (` + strings.Join(quoted, ", ") + `) VALUES `}
	for rows.Next() {
		vals, err := scanAll(rows, len(cols))
		if err != nil {
			return err
		}
		if err := w.add(vals...); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.flush()
}

// scanAll scans the current row of rows, of n columns, as the driver
// gives each value.
func scanAll(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, rows.Scan(ptrs...)
}
