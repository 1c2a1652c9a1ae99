package syncengine

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The merge decides change by change, in memory, and writes to the
// database in bulk: a batch's log entries, rows and cells go out in a few
// multi-row statements when the transaction flushes, and what it must read
// — the rows and cells the batch touches, the sequence numbers already
// held — is read in a few queries before it starts (prefetch). Per change,
// SQLite's own work stays; the cost of one statement per write does not.

// logEntry is a log entry the transaction has decided to append.
type logEntry struct {
	seq    uint64
	chain  Hash
	batch  any // the batch's id, or nil
	origin int64
	c      Change
}

// originSeq names a change by its interned origin and sequence number.
type originSeq struct {
	origin int64
	seq    uint64
}

// cellKey names one cell.
type cellKey struct {
	row rowKey
	col string
}

// heldRange is what the log holds of an origin's sequence numbers from lo
// to hi, as read by prefetch.
type heldRange struct {
	lo, hi uint64
	held   map[uint64]bool
}

// isHeld reports whether the log already holds a change with c's origin
// and sequence number.
func (m *merger) isHeld(c *Change, origin int64) (bool, error) {
	if _, ok := m.pending[originSeq{origin, c.Seq}]; ok {
		return true, nil
	}
	if c.Site == m.db.site && c.Seq > m.db.ownSeq {
		// This replica's own sequence, read in this transaction, is the
		// highest of its changes the log holds (checkPulled refuses any
		// other): a higher one is new.
		return false, nil
	}
	if r := m.checked[c.Site]; r != nil && c.Seq >= r.lo && c.Seq <= r.hi {
		return r.held[c.Seq], nil
	}
	var one int
	err := m.tx.QueryRowContext(m.ctx, `SELECT 1 FROM sync_log WHERE origin = ? AND origin_seq = ?`, origin, c.Seq).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up %s #%d in the log: %w", c.Site, c.Seq, err)
	}
	return true, nil
}

// prefetchChunk is how many keys one prefetch query asks for.
const prefetchChunk = 500

// prefetch reads, in a few queries, what merging batch will ask of the
// database: which of its sequence numbers the log already holds, and the
// stored state of the rows it touches and of their cells. It is an
// optimisation only: whatever it does not read, the merge reads when it
// needs it.
func (m *merger) prefetch(batch []Change) error {
	if err := m.prefetchHeld(batch); err != nil {
		return err
	}
	return m.prefetchRows(batch)
}

func (m *merger) prefetchHeld(batch []Change) error {
	ranges := map[SiteID]*heldRange{}
	for i := range batch {
		c := &batch[i]
		if m.checked[c.Site] != nil || checkBounds(c) != nil {
			continue // the merge refuses a change out of bounds before it looks it up
		}
		r := ranges[c.Site]
		if r == nil {
			ranges[c.Site] = &heldRange{lo: c.Seq, hi: c.Seq}
			continue
		}
		r.lo, r.hi = min(r.lo, c.Seq), max(r.hi, c.Seq)
	}
	for site, r := range ranges {
		if r.hi-r.lo > uint64(4*len(batch)) {
			continue // scattered numbers: look them up one by one
		}
		r.held = map[uint64]bool{}
		origin, known := m.sites.known(site)
		if !known {
			id, err := siteIDIfKnown(m.ctx, m.tx, site)
			if err != nil {
				return err
			}
			origin, known = id, id != 0
		}
		if known {
			if err := m.readHeld(origin, r); err != nil {
				return fmt.Errorf("look up %s in the log: %w", site, err)
			}
		}
		m.checked[site] = r
	}
	return nil
}

func (m *merger) readHeld(origin int64, r *heldRange) error {
	rows, err := m.tx.QueryContext(m.ctx, `SELECT origin_seq FROM sync_log WHERE origin = ? AND origin_seq BETWEEN ? AND ?`,
		origin, r.lo, r.hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq uint64
		if err := rows.Scan(&seq); err != nil {
			return err
		}
		r.held[seq] = true
	}
	return rows.Err()
}

// prefetchRows reads the rows batch touches that the transaction has not
// read yet, then the cells batch needs of them (prefetchCells).
func (m *merger) prefetchRows(batch []Change) error {
	edits := editsOf(batch)
	want := map[string][]RowID{}
	for key := range edits {
		if _, ok := m.rows[key]; ok || m.none[key] {
			continue
		}
		want[key.table] = append(want[key.table], key.id)
	}
	for table, ids := range want {
		for chunk := range slices.Chunk(sortedIDs(ids), prefetchChunk) {
			if err := m.readRows(table, chunk); err != nil {
				return err
			}
		}
	}
	return m.prefetchCells(edits)
}

// sortedIDs sorts ids in place, in key order, and returns them.
func sortedIDs(ids []RowID) []RowID {
	slices.SortFunc(ids, func(a, b RowID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// readRows reads the stored state of rows of table, and notes those that
// do not exist.
func (m *merger) readRows(table string, ids []RowID) error {
	args := make([]any, 0, 1+len(ids))
	args = append(args, table)
	for i := range ids {
		args = append(args, ids[i][:])
	}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT row_id, scope, cl FROM sync_rows WHERE tbl = ? AND row_id IN `+marks(len(ids)), args...)
	if err != nil {
		return fmt.Errorf("read rows of %s: %w", table, err)
	}
	for rows.Next() {
		var b []byte
		st := &rowState{}
		if err := rows.Scan(&b, &st.scope, &st.cl); err != nil {
			rows.Close()
			return fmt.Errorf("read rows of %s: %w", table, err)
		}
		st.stored()
		key := rowKey{table: table}
		copy(key.id[:], b)
		m.rows[key] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rows of %s: %w", table, err)
	}
	for _, id := range ids {
		if _, ok := m.rows[rowKey{table, id}]; !ok {
			m.none[rowKey{table, id}] = true
		}
	}
	return nil
}

// readCells reads the cells of columns cols (nil: all) of rows ids of
// table, which all exist and are of scope (which a store of unscoped cells
// ignores). A cell the transaction holds already is kept: it is the
// stored one, or one written since.
func (m *merger) readCells(scope, table string, ids []RowID, cols []string) error {
	cond, args := m.db.cells.ofRows(scope, table, ids)
	if cols != nil {
		cond += ` AND col IN ` + marks(len(cols))
		args = append(args, anys(cols)...)
	}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT row_id, col, val, hlc, site, cl, seq FROM sync_cells WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("read cells of %s: %w", table, err)
	}
	type stored struct {
		key    rowKey
		col    string
		v      *version
		siteID int64
	}
	var all []stored
	for rows.Next() {
		var b []byte
		var val any
		c := stored{key: rowKey{table: table}, v: &version{}}
		if err := rows.Scan(&b, &c.col, &val, &c.v.hlc, &c.siteID, &c.v.cl, &c.v.seq); err != nil {
			rows.Close()
			return fmt.Errorf("read cells of %s: %w", table, err)
		}
		copy(c.key.id[:], b)
		if c.v.value, err = ValueOf(val); err != nil {
			rows.Close()
			return fmt.Errorf("read cell %s %s %s: %w", table, c.key.id, c.col, err)
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read cells of %s: %w", table, err)
	}
	for _, c := range all {
		if c.v.site, err = m.sites.uuid(m.ctx, c.siteID); err != nil {
			return err
		}
		if st := m.rows[c.key]; st.cells[c.col] == nil { // written since: newer
			st.cells[c.col] = c.v
		}
	}
	for _, id := range ids {
		st := m.rows[rowKey{table, id}]
		switch {
		case cols == nil:
			st.whole, st.known = true, nil
		case !st.whole:
			for _, col := range cols {
				st.known[col] = true
			}
		}
	}
	return nil
}

// writeChunk is how many rows one multi-row statement writes.
const writeChunk = 64

// writeLog appends the transaction's pending log entries.
func (m *merger) writeLog() error {
	if len(m.log) == 0 {
		return nil
	}
	const cols = 13
	args := make([]any, 0, cols*min(len(m.log), writeChunk))
	for chunk := range slices.Chunk(m.log, writeChunk) {
		args = args[:0]
		for i := range chunk {
			e := &chunk[i]
			c := &e.c
			args = append(args, e.seq, e.chain[:], e.batch, e.origin, c.Seq, c.Table, c.Row[:], c.Column, c.Value, c.HLC, c.Base, c.CL, c.Scope)
		}
		q := multiRow(`INSERT INTO sync_log (seq, chain, batch, origin, origin_seq, tbl, row_id, col, val, hlc, base, cl, scope) VALUES `, cols, len(chunk), "")
		if _, err := m.tx.ExecContext(m.ctx, q, args...); err != nil {
			return fmt.Errorf("append log: %w", err)
		}
	}
	for i := range m.log {
		c := &m.log[i].c
		if r := m.checked[c.Site]; r != nil && c.Seq >= r.lo && c.Seq <= r.hi {
			r.held[c.Seq] = true
		}
	}
	m.log = m.log[:0]
	clear(m.pending)
	return nil
}

// writeRows stores the existence of every row whose causal length the
// transaction set.
func (m *merger) writeRows() error {
	if len(m.rowsOut) == 0 {
		return nil
	}
	keys := sortedKeys(m.rowsOut, func(a, b rowKey) int { return compareRowKeys(a, b) })
	const cols = 4
	args := make([]any, 0, cols*min(len(keys), writeChunk))
	for chunk := range slices.Chunk(keys, writeChunk) {
		args = args[:0]
		for _, k := range chunk {
			st := m.rows[k]
			args = append(args, k.table, k.id[:], st.scope, st.cl)
		}
		q := multiRow(`INSERT INTO sync_rows (tbl, row_id, scope, cl) VALUES `, cols, len(chunk),
			` ON CONFLICT (tbl, row_id) DO UPDATE SET cl = excluded.cl`)
		if _, err := m.tx.ExecContext(m.ctx, q, args...); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
	}
	clear(m.rowsOut)
	return nil
}

// writeCells stores the winning write of every cell the transaction
// changed.
func (m *merger) writeCells() error {
	if len(m.cellsOut) == 0 {
		return nil
	}
	keys := sortedKeys(m.cellsOut, compareCellKeys)
	if err := m.partitionScopes(keys); err != nil {
		return err
	}
	args := make([]any, 0, 9*min(len(keys), writeChunk))
	for chunk := range slices.Chunk(keys, writeChunk) {
		args = args[:0]
		for _, k := range chunk {
			st := m.rows[k.row]
			v := st.cells[k.col]
			args = m.db.cells.appendKey(args, st.scope, k.row.table)
			args = append(args, k.row.id[:], k.col, v.value, v.hlc, m.cellsOut[k], v.cl, v.seq)
		}
		if _, err := m.tx.ExecContext(m.ctx, m.db.cells.upsert(len(chunk)), args...); err != nil {
			return fmt.Errorf("write cells: %w", err)
		}
	}
	clear(m.cellsOut)
	return nil
}

func compareCellKeys(a, b cellKey) int {
	if c := compareRowKeys(a.row, b.row); c != 0 {
		return c
	}
	return strings.Compare(a.col, b.col)
}

func compareRowKeys(a, b rowKey) int {
	if c := strings.Compare(a.table, b.table); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// sortedKeys returns the keys of m in the order cmp gives: rows and cells
// are written in key order, which is the order of SQLite's b-trees.
func sortedKeys[K comparable, V any](m map[K]V, cmp func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// marks returns "(?, ?, …)" with n marks: a row of values, or an IN list.
func marks(n int) string { return "(" + placeholders(n) + ")" }

// multiRowSQL caches the text of multi-row statements, by prefix and
// shape: a batch uses the same few texts again and again, and SQLite's
// statement cache finds them by their text.
var multiRowSQL sync.Map

type multiRowShape struct {
	prefix, suffix string
	cols, rows     int
}

// multiRow returns prefix followed by rows groups of cols marks, then
// suffix.
func multiRow(prefix string, cols, rows int, suffix string) string {
	shape := multiRowShape{prefix, suffix, cols, rows}
	if q, ok := multiRowSQL.Load(shape); ok {
		return q.(string)
	}
	q := repeatGroup(prefix, marks(cols), rows, suffix)
	multiRowSQL.Store(shape, q)
	return q
}

// repeatGroup returns prefix followed by rows copies of group, then
// suffix.
func repeatGroup(prefix, group string, rows int, suffix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(group)
	}
	b.WriteString(suffix)
	return b.String()
}
