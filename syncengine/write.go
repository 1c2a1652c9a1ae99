package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"
)

// Errors of local writes, for the application to explain.
var (
	ErrUnknownTable  = errors.New("unknown table")
	ErrUnknownColumn = errors.New("unknown column")
	ErrNotFound      = errors.New("no such row")
	ErrImmutable     = errors.New("column cannot change")
	ErrNoScope       = errors.New("row has no scope")
	ErrAlive         = errors.New("row is alive")
)

// Tx is a local write transaction: every insert, update and delete becomes
// changes stamped with this site's clock and sequence, merged by the same
// rules as received changes, logged, and projected. A Tx is used by one
// goroutine, inside the function passed to DB.Write.
type Tx struct {
	m   *merger
	seq uint64 // the last sequence number issued, committed to db.ownSeq on success
	n   int    // changes written
}

// Write runs fn in one write transaction and commits it if fn returns nil.
// Nothing fn wrote is kept if it returns an error.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx, durable)
	if err != nil {
		return err
	}
	defer m.rollback()
	tx := &Tx{m: m, seq: db.ownSeq}
	if err := fn(tx); err != nil {
		return err
	}
	if tx.seq != db.ownSeq {
		if err := setMeta(ctx, m.tx, metaOwnSeq, int64(tx.seq)); err != nil {
			return err
		}
	}
	if err := m.commit(); err != nil {
		return err
	}
	db.ownSeq = tx.seq
	return nil
}

// Changes is how many changes the transaction has written so far.
func (tx *Tx) Changes() int { return tx.n }

// SQL is the transaction underneath, for a table the engine does not
// replicate that must commit or roll back with the changes (a server's
// action log entry of the operation that wrote them). Replicated tables are
// written through Insert, Update and Delete only: a row written here is
// never logged, sent or merged.
func (tx *Tx) SQL() *sql.Tx { return tx.m.tx }

// Query reads the replica's tables within the transaction, seeing its own
// writes: for writes that depend on what the rows hold now.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	return tx.m.tx.QueryContext(tx.m.ctx, query, args...)
}

func (tx *Tx) table(name string) (*table, error) {
	t, ok := tx.m.db.tables[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownTable, name)
	}
	return t, nil
}

// emit stamps a change with this site's clock and next sequence number and
// merges it. A cell write is stamped at least just after the value it
// replaces (its base), so that it beats the value its writer saw even when
// that value is stamped in the future; the clock follows such a stamp only
// within its tolerance (see Clock.Observe and future.go).
func (tx *Tx) emit(c Change) error {
	tx.seq++
	c.Site = tx.m.db.site
	c.Seq = tx.seq
	c.HLC = tx.m.db.clock.stamp(c.Base)
	if _, err := tx.m.apply(&c); err != nil {
		return err
	}
	tx.n++
	return nil
}

// Insert creates a row of table with the given column values (nil values are
// left unset) and returns its new id. A root table's scope is the value of
// its scope column; a child table's is its parent's, which must exist.
func (tx *Tx) Insert(table string, values map[string]any) (RowID, error) {
	t, err := tx.table(table)
	if err != nil {
		return RowID{}, err
	}
	vals, err := t.values(values)
	if err != nil {
		return RowID{}, err
	}
	scope, err := tx.scopeFor(t, vals)
	if err != nil {
		return RowID{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return RowID{}, fmt.Errorf("new row id: %w", err)
	}
	if err := tx.emit(Change{Table: table, Row: id, CL: 1, Scope: scope}); err != nil {
		return RowID{}, err
	}
	for _, col := range t.Columns {
		if v, ok := vals[col]; ok && !v.IsNull() {
			if err := tx.emit(Change{Table: table, Row: id, Column: col, Value: v, CL: 1, Scope: scope}); err != nil {
				return RowID{}, err
			}
		}
	}
	return id, tx.m.flush()
}

// scopeFor finds the scope of a new row from its values.
func (tx *Tx) scopeFor(t *table, vals map[string]Value) (string, error) {
	if t.ScopeColumn != "" {
		v := vals[t.ScopeColumn]
		if v.Kind() != KindText || v.String() == "" {
			return "", fmt.Errorf("%w: %s.%s must be set", ErrNoScope, t.Name, t.ScopeColumn)
		}
		return v.String(), nil
	}
	return tx.parentScope(t, vals[t.ParentColumn])
}

// parentScope is the scope of the live parent row v names.
func (tx *Tx) parentScope(t *table, v Value) (string, error) {
	pid, err := uuid.Parse(v.String())
	if v.Kind() != KindText || err != nil {
		return "", fmt.Errorf("%w: %s.%s must name a row of %s", ErrNotFound, t.Name, t.ParentColumn, t.ParentTable)
	}
	scope, alive, err := tx.Row(t.ParentTable, pid)
	if err != nil {
		return "", err
	}
	if !alive {
		return "", fmt.Errorf("%w: %s %s", ErrNotFound, t.ParentTable, pid)
	}
	return scope, nil
}

// values converts and checks the column names of a write.
func (t *table) values(in map[string]any) (map[string]Value, error) {
	out := make(map[string]Value, len(in))
	for col, x := range in {
		if _, ok := t.index[col]; !ok {
			return nil, fmt.Errorf("%w %s.%s", ErrUnknownColumn, t.Name, col)
		}
		v, err := ValueOf(x)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name, col, err)
		}
		out[col] = v
	}
	return out, nil
}

// Row reports a row's scope and whether it is alive, as this transaction
// sees it. A row this replica never heard of is not alive.
func (tx *Tx) Row(table string, id RowID) (scope string, alive bool, err error) {
	st, err := tx.m.row(rowKey{table, id})
	if err != nil || st == nil {
		return "", false, err
	}
	return st.scope, Alive(st.cl), nil
}

// Update sets columns of a live row. Values equal to the current ones are
// not written. Each change carries, as its base, the HLC of the value it
// replaces. The scope column never changes; a child's parent column may
// change only to another live row of the same scope.
func (tx *Tx) Update(table string, id RowID, values map[string]any) error {
	return tx.update(table, id, values, false)
}

// update is Update, writing even values equal to the current ones when
// force is set.
func (tx *Tx) update(table string, id RowID, values map[string]any, force bool) error {
	t, err := tx.table(table)
	if err != nil {
		return err
	}
	vals, err := t.values(values)
	if err != nil {
		return err
	}
	key := rowKey{table, id}
	st, err := tx.m.row(key)
	if err != nil {
		return err
	}
	if st == nil || !Alive(st.cl) {
		return fmt.Errorf("%w: %s %s", ErrNotFound, table, id)
	}
	cols := make([]string, 0, len(vals))
	for col := range vals {
		cols = append(cols, col)
	}
	sort.Strings(cols)
	if err := tx.m.readColumns(key, st, cols); err != nil {
		return err
	}
	for _, col := range cols {
		if err := tx.writeCell(t, key, st, col, vals[col], force); err != nil {
			return err
		}
	}
	return tx.m.flush()
}

func (tx *Tx) writeCell(t *table, key rowKey, st *rowState, col string, v Value, force bool) error {
	if col == t.ScopeColumn {
		return fmt.Errorf("%w: %s.%s is the row's scope", ErrImmutable, t.Name, col)
	}
	if col == t.ParentColumn {
		scope, err := tx.parentScope(t, v)
		if err != nil {
			return err
		}
		if scope != st.scope {
			return fmt.Errorf("%w: %s.%s must stay within %s", ErrImmutable, t.Name, col, st.scope)
		}
	}
	cur, err := tx.m.cell(key, st, col)
	if err != nil {
		return err
	}
	var base HLC
	if cur != nil && cur.cl == st.cl {
		if cur.value.Equal(v) && !force {
			return nil
		}
		base = cur.hlc
	}
	return tx.emit(Change{Table: t.Name, Row: key.id, Column: col, Value: v, Base: base, CL: st.cl, Scope: st.scope})
}

// Delete deletes a live row and, first, its live child rows, recursively.
// Deleted rows keep their cells; a delete is a change like any other.
func (tx *Tx) Delete(table string, id RowID) error {
	t, st, err := tx.stored(table, id)
	if err != nil {
		return err
	}
	if st == nil || !Alive(st.cl) {
		return fmt.Errorf("%w: %s %s", ErrNotFound, table, id)
	}
	if err := tx.deleteChildren(t, id); err != nil {
		return err
	}
	if err := tx.emit(Change{Table: table, Row: id, CL: st.cl + 1, Scope: st.scope}); err != nil {
		return err
	}
	return tx.m.flush()
}

// Restore brings a deleted row back with the values of its last life: a
// new existence change one causal length up, then every cell that life
// showed written again at the new causal length, in column order. The old
// cells keep their causal length and would not be shown (see
// projection.add); writing them again is what brings them back, on every
// replica. The rows deleted with it stay deleted. A child row comes back
// only under a live parent (ErrNotFound otherwise); a live row is refused
// with ErrAlive, a row this replica never held with ErrNotFound.
func (tx *Tx) Restore(table string, id RowID) error {
	t, st, err := tx.stored(table, id)
	if err != nil {
		return err
	}
	key := rowKey{table, id}
	if st == nil {
		return fmt.Errorf("%w: %s %s", ErrNotFound, table, id)
	}
	if Alive(st.cl) {
		return fmt.Errorf("%w: %s %s", ErrAlive, table, id)
	}
	last, err := tx.lastLife(t, key, st)
	if err != nil {
		return err
	}
	cl := st.cl + 1
	if err := tx.emit(Change{Table: table, Row: id, CL: cl, Scope: st.scope}); err != nil {
		return err
	}
	for _, c := range last {
		if err := tx.emit(Change{Table: table, Row: id, Column: c.Column, Value: c.Value, CL: cl, Scope: st.scope}); err != nil {
			return err
		}
	}
	return tx.m.flush()
}

// lastLife is the non-null cells of a deleted row's last life, by column
// name, checking that a child's parent is alive.
func (tx *Tx) lastLife(t *table, key rowKey, st *rowState) ([]Change, error) {
	cells, err := tx.m.cellsOf(key, st)
	if err != nil {
		return nil, err
	}
	var out []Change
	for col, v := range cells {
		if v.cl == st.cl-1 && !v.value.IsNull() {
			out = append(out, Change{Column: col, Value: v.value})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	if t.ParentColumn == "" {
		return out, nil
	}
	var parent Value
	if v := cells[t.ParentColumn]; v != nil && v.cl == st.cl-1 {
		parent = v.value
	}
	if _, err := tx.parentScope(t, parent); err != nil {
		return nil, err
	}
	return out, nil
}

// stored returns the declaration of table and the state of its row id, nil
// if this replica never heard of the row.
func (tx *Tx) stored(table string, id RowID) (*table, *rowState, error) {
	t, err := tx.table(table)
	if err != nil {
		return nil, nil, err
	}
	st, err := tx.m.row(rowKey{table, id})
	return t, st, err
}

func (tx *Tx) deleteChildren(parent *table, id RowID) error {
	for _, child := range tx.m.db.order {
		if child.ParentTable != parent.Name {
			continue
		}
		ids, err := tx.childIDs(child, id)
		if err != nil {
			return err
		}
		for _, cid := range ids {
			if err := tx.Delete(child.Name, cid); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) childIDs(child *table, parent RowID) ([]RowID, error) {
	q := fmt.Sprintf("SELECT id FROM %s WHERE %s = ?", quote(child.Name), quote(child.ParentColumn))
	rows, err := tx.m.tx.QueryContext(tx.m.ctx, q, parent.String())
	if err != nil {
		return nil, fmt.Errorf("children of %s in %s: %w", parent, child.Name, err)
	}
	defer rows.Close()
	var ids []RowID
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("children of %s in %s: %w", parent, child.Name, err)
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("children of %s in %s: %w", parent, child.Name, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
