package syncengine

import (
	"fmt"
)

// Deciding a cell again from the log: a fork (resite.go) and a clock
// repair (restamp.go) change the site or the stamp of writes already
// merged, which may change which write of a cell wins. They read every
// write of the cells they touched and decide each cell afresh, by the
// merge's own order (version.beats).

// cellWrite is one write of a cell, as the log holds it.
type cellWrite struct {
	key    cellKey
	v      version
	origin int64
}

// decide makes the best of writes the winner of each cell they write, to
// be stored and projected by flush. Cells are decided in a stable order.
func (m *merger) decide(writes []cellWrite) error {
	best := map[cellKey]cellWrite{}
	for _, w := range writes {
		if b, ok := best[w.key]; !ok || w.v.beats(b.v) {
			best[w.key] = w
		}
	}
	for _, k := range sortedKeys(best, compareCellKeys) {
		if err := m.setWinner(best[k]); err != nil {
			return err
		}
	}
	return nil
}

// setWinner makes w its cell's winning write, unless it is already.
func (m *merger) setWinner(w cellWrite) error {
	st, err := m.row(w.key.row)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("%s %s is written in the log but not stored", w.key.row.table, w.key.row.id)
	}
	cur, err := m.cell(w.key.row, st, w.key.col)
	if err != nil {
		return err
	}
	if cur != nil && cur.cl == w.v.cl && cur.hlc == w.v.hlc && cur.site == w.v.site && cur.value.Equal(w.v.value) && cur.seq == w.v.seq {
		return nil
	}
	v := w.v
	m.setCell(w.key.row, st, w.key.col, &v, w.origin)
	return nil
}
