package syncengine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The contested cells. Only a cell written more than once can hold a
// conflict, and such cells are few: an officer's edits of fields another
// officer wrote. The merge keeps, in the transaction that logs the entry,
// the log entries of every cell written more than once (sync_contested,
// keyed by the row's scope first), so that Conflicts reads those entries
// only — through the index, then the log by its primary key — and never
// the log of a scope, let alone the whole log.
//
// The rule: a write of a cell that already has a winning write (the cell
// store holds it, or the transaction made it) enters the index, and so
// does that winning write, whose log entry the cell store keeps with it
// (sync_cells.seq). When a cell's second write arrives, its first is its
// winner, so both enter; every later write enters as it arrives. So the
// index holds exactly the entries of the cells the log writes more than
// once — a function of the set of entries, whatever their order or
// batching. Rewriting entries (a fork's new site id, a clock repair's new
// stamps) keeps each entry's local number and cell, so it leaves the index
// as it is; a snapshot carries the index of its scopes, renumbered as its
// log is; migration 0006 fills it once from the log.

// contestedWrite is a log entry of a contested cell, to be indexed.
type contestedWrite struct {
	scope string
	key   cellKey
	seq   uint64
}

// contest records that the cell key of a row of scope, whose winning write
// is log entry prev, is written again by entry seq: both are indexed.
func (m *merger) contest(key cellKey, scope string, prev, seq uint64) {
	m.contested = append(m.contested, contestedWrite{scope, key, prev}, contestedWrite{scope, key, seq})
}

// writeContested indexes the entries contest recorded; an entry already
// indexed stays as it is.
func (m *merger) writeContested() error {
	if len(m.contested) == 0 {
		return nil
	}
	slices.SortFunc(m.contested, compareContested)
	m.contested = slices.Compact(m.contested)
	const cols = 5
	args := make([]any, 0, cols*min(len(m.contested), writeChunk))
	for chunk := range slices.Chunk(m.contested, writeChunk) {
		args = args[:0]
		for _, w := range chunk {
			args = append(args, w.scope, w.key.row.table, w.key.row.id[:], w.key.col, w.seq)
		}
		q := multiRow(`INSERT INTO sync_contested (scope, tbl, row_id, col, seq) VALUES `, cols, len(chunk),
			` ON CONFLICT (scope, tbl, row_id, col, seq) DO NOTHING`)
		if _, err := m.tx.ExecContext(m.ctx, q, args...); err != nil {
			return fmt.Errorf("index contested cells: %w", err)
		}
	}
	m.contested = m.contested[:0]
	return nil
}

func compareContested(a, b contestedWrite) int {
	if c := strings.Compare(a.scope, b.scope); c != 0 {
		return c
	}
	if c := compareCellKeys(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}
