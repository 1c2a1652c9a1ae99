package syncengine

import (
	"fmt"
	"slices"
	"strings"
)

// Edits without whole rows. A day's edits change one or two cells of a
// row of thirty; reading every cell of every row a batch touches, and
// writing every column of its domain row back, would cost more than the
// merge itself. So a transaction reads only the cells it needs, and
// projects an edited row by updating only the columns whose winner
// changed, when that is safe:
//
//   - A row's state (rowState) holds the cells the transaction has read
//     or written. Either it holds them all (whole), or it knows which
//     columns it has read (known): a column neither holds nor knows is
//     read from the store when a rule asks for it (cell), and a rule
//     that needs every cell (cellsOf: a whole projection, a restore)
//     reads the rest. A cell is never assumed unwritten because it was
//     not read.
//   - prefetch reads, for a stored row the batch only edits — every
//     change of it a cell write at a causal length no higher than the
//     row's, the row alive — the cells of the columns the batch writes
//     that the transaction has not read (of all the rows of a table
//     together: at most maxEditColumns, or their whole rows); for any
//     other row (a create, a delete, a restore, a deleted row), all of
//     its cells.
//   - A row read from the store shows, in its domain table, its causal
//     length (shown): every transaction that changed a row projected it
//     before it committed, and a table or column the schema learned is
//     projected whole when the replica opens (reprojectNewColumns). When
//     a flush finds a row alive at the causal length its domain row
//     shows, it updates the columns changed since (UPDATE ... FROM
//     (VALUES ...)); otherwise — a new row, a causal length changed, a
//     row not read from the store — it writes the whole row from all its
//     cells, as a replay would. An update that finds fewer domain rows
//     than it names writes those rows whole.

// maxEditColumns is the most columns of a table a prefetch reads by name
// for the rows a batch edits; beyond it, it reads their whole rows.
const maxEditColumns = 8

// stored initialises the state of a row just read from the store: no
// cell read yet, its domain row showing its causal length.
func (st *rowState) stored() {
	st.cells, st.known, st.shown = map[string]*version{}, map[string]bool{}, st.cl
}

// cell returns the winning write of a cell of a known row, or nil if it was
// never written, reading it from the store if the transaction has not.
func (m *merger) cell(key rowKey, st *rowState, col string) (*version, error) {
	if st.read(col) {
		return st.cells[col], nil
	}
	if err := m.readCells(st.scope, key.table, []RowID{key.id}, []string{col}); err != nil {
		return nil, err
	}
	return st.cells[col], nil
}

// cellsOf returns the winning writes of every cell of a known row.
func (m *merger) cellsOf(key rowKey, st *rowState) (map[string]*version, error) {
	if !st.whole {
		if err := m.readCells(st.scope, key.table, []RowID{key.id}, nil); err != nil {
			return nil, err
		}
	}
	return st.cells, nil
}

// readColumns reads, in one query, those of cols of a known row that the
// transaction has not read yet.
func (m *merger) readColumns(key rowKey, st *rowState, cols []string) error {
	if missing := st.unread(cols); len(missing) > 0 {
		return m.readCells(st.scope, key.table, []RowID{key.id}, missing)
	}
	return nil
}

// unread is those of cols whose cell the transaction has not read.
func (st *rowState) unread(cols []string) []string {
	var out []string
	for _, col := range cols {
		if !st.read(col) {
			out = append(out, col)
		}
	}
	return out
}

// read reports whether the transaction holds col's cell of the row, or
// knows it unwritten.
func (st *rowState) read(col string) bool {
	_, ok := st.cells[col]
	return ok || st.whole || st.known[col]
}

// setCell makes v, the write of origin, the winning write of a cell.
func (m *merger) setCell(key rowKey, st *rowState, col string, v *version, origin int64) {
	st.cells[col] = v
	if st.changed == nil {
		st.changed = map[string]bool{}
	}
	st.changed[col] = true
	m.cellsOut[cellKey{key, col}] = origin
	m.dirty[key] = true
}

// rowEdits is what a batch does to one row: the columns it writes, whether
// it writes the row's existence, and the highest causal length it names.
type rowEdits struct {
	cols   map[string]bool
	exists bool
	cl     uint64
}

// editsOf is what batch does to each row it touches.
func editsOf(batch []Change) map[rowKey]*rowEdits {
	out := map[rowKey]*rowEdits{}
	for i := range batch {
		c := &batch[i]
		key := rowKey{c.Table, c.Row}
		e := out[key]
		if e == nil {
			e = &rowEdits{cols: map[string]bool{}}
			out[key] = e
		}
		if c.IsExists() {
			e.exists = true
		} else {
			e.cols[c.Column] = true
		}
		e.cl = max(e.cl, c.CL)
	}
	return out
}

// onlyEdits reports whether e leaves a row of state st alive at its causal
// length, writing cells only: then its cells are read by column.
func (e *rowEdits) onlyEdits(st *rowState) bool {
	return e != nil && !e.exists && e.cl <= st.cl && Alive(st.cl)
}

// cellGroup is rows whose cells one prefetch query reads: of a table and
// (where cells have one) a scope, some of their cells or all.
type cellGroup struct {
	scope, table string
	some         bool
}

// prefetchCells reads, in a few queries, the cells edits need of the rows
// the transaction holds without all their cells: the columns edits write
// of a row it only edits, every cell of any other.
func (m *merger) prefetchCells(edits map[rowKey]*rowEdits) error {
	rows := map[cellGroup][]RowID{}
	cols := map[cellGroup]map[string]bool{}
	for key, e := range edits {
		st := m.rows[key]
		if st == nil || st.whole {
			continue
		}
		g := cellGroup{table: key.table, some: e.onlyEdits(st)}
		if m.db.cells.scoped {
			g.scope = st.scope
		}
		if g.some {
			missing := st.unread(sortedKeys(e.cols, strings.Compare))
			if len(missing) == 0 {
				continue
			}
			if cols[g] == nil {
				cols[g] = map[string]bool{}
			}
			for _, col := range missing {
				cols[g][col] = true
			}
		}
		rows[g] = append(rows[g], key.id)
	}
	for g, ids := range rows {
		var names []string // nil: every cell
		if g.some && len(cols[g]) <= maxEditColumns {
			names = sortedKeys(cols[g], strings.Compare)
		}
		for chunk := range slices.Chunk(sortedIDs(ids), prefetchChunk) {
			if err := m.readCells(g.scope, g.table, chunk, names); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowEdit is a row a flush projects by updating the columns changed.
type rowEdit struct {
	key  rowKey
	st   *rowState
	cols []string // the table's columns among those changed, sorted
}

// projectRow adds a dirty row to the projection of its table: its changed
// columns if its domain row shows its causal length and it is alive, the
// whole row otherwise.
func (m *merger) projectRow(p *projection, key rowKey, st *rowState) error {
	defer func() { st.shown, st.changed = st.cl, nil }()
	if st.shown == st.cl && Alive(st.cl) && p.t.editable {
		var cols []string
		for col := range st.changed {
			if _, ok := p.t.index[col]; ok {
				cols = append(cols, col)
			}
		}
		if len(cols) > 0 {
			slices.Sort(cols)
			p.edits = append(p.edits, rowEdit{key: key, st: st, cols: cols})
		}
		return nil
	}
	var cells map[string]*version
	if Alive(st.cl) {
		var err error
		if cells, err = m.cellsOf(key, st); err != nil {
			return err
		}
	}
	p.add(key.id, st.cl, cells)
	return nil
}

// writeEdits updates the columns of the edited rows of p, rows of the
// same columns together. Rows the update does not find are written whole.
func (m *merger) writeEdits(p *projection) error {
	groups := map[string][]rowEdit{}
	for _, e := range p.edits {
		sig := strings.Join(e.cols, ",")
		groups[sig] = append(groups[sig], e)
	}
	for _, sig := range sortedKeys(groups, strings.Compare) {
		for chunk := range slices.Chunk(groups[sig], writeChunk) {
			if err := m.writeEditChunk(p.t, chunk); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *merger) writeEditChunk(t *table, chunk []rowEdit) error {
	cols := chunk[0].cols
	args := make([]any, 0, len(chunk)*(1+len(cols)))
	for _, e := range chunk {
		args = append(args, e.key.id.String())
		for _, col := range cols {
			var arg any
			if v := e.st.cells[col]; v != nil && v.cl == e.st.cl {
				i := t.index[col]
				arg = t.cast(t.types[i], v.value)
			}
			args = append(args, arg)
		}
	}
	res, err := m.tx.ExecContext(m.ctx, t.updateSQL(cols, len(chunk)), args...)
	if err != nil {
		return fmt.Errorf("project %s: %w", t.Name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("project %s: %w", t.Name, err)
	}
	if int(n) == len(chunk) {
		return nil
	}
	whole := &projection{t: t}
	for _, e := range chunk {
		cells, err := m.cellsOf(e.key, e.st)
		if err != nil {
			return err
		}
		whole.add(e.key.id, e.st.cl, cells)
	}
	return whole.write(m.ctx, m.tx)
}

// updateSQL is the statement that sets cols of rows domain rows of t,
// given by their id then their values of cols, in that order. Unlike
// multiRow's, its texts are not kept: a table has too many sets of
// columns.
func (t *table) updateSQL(cols []string, rows int) string {
	group := make([]string, 0, 1+len(cols))
	group = append(group, t.idMark)
	sets := make([]string, 0, len(cols))
	for i, col := range cols {
		group = append(group, t.marks[t.index[col]])
		sets = append(sets, fmt.Sprintf("%s = v.column%d", quote(col), i+2))
	}
	prefix := fmt.Sprintf("UPDATE %s SET %s FROM (VALUES ", quote(t.Name), strings.Join(sets, ", "))
	suffix := fmt.Sprintf(") AS v WHERE %s.id = v.column1", quote(t.Name))
	return repeatGroup(prefix, "("+strings.Join(group, ", ")+")", rows, suffix)
}
