package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A write's history outcome: what became of it in the merge (see
// CellHistory and RowOutcome).
const (
	OutcomeCurrent      = "current"       // the cell's value now
	OutcomeOverwritten  = "overwritten"   // by a write made after seeing it
	OutcomeLostConflict = "lost_conflict" // to a concurrent write, made without seeing it
	OutcomeCreated      = "created"       // a row's first life
	OutcomeDeleted      = "deleted"       // a row's delete
	OutcomeRestored     = "restored"      // a row's life after a delete
)

// RowOutcome is what a row-existence change of causal length cl did.
func RowOutcome(cl uint64) string {
	switch {
	case cl == 1:
		return OutcomeCreated
	case cl%2 == 0:
		return OutcomeDeleted
	}
	return OutcomeRestored
}

// CellStep is one write of a cell in its history: what it displaced and
// how it fared, by the merge's own order.
type CellStep struct {
	Change Change
	// Replaced is the value this write displaced in version order; nil
	// for the cell's first write.
	Replaced *Value
	// Outcome is OutcomeCurrent, OutcomeOverwritten or
	// OutcomeLostConflict.
	Outcome string
	// Over is, for a write that lost a conflict or won one, the index of
	// the other write in the steps; -1 otherwise.
	Over int
}

// CellHistory ranks the writes of one cell in version order (SortCell,
// which it applies to cell) and says of each what it displaced and how it
// fared: a write displaced by the next one, whose writer had not seen it,
// lost a conflict, by the rule conflicts are listed by (Conflicting).
func CellHistory(cell []Change) []CellStep {
	SortCell(cell)
	steps := make([]CellStep, len(cell))
	for i := range cell {
		steps[i] = CellStep{Change: cell[i], Outcome: OutcomeCurrent, Over: -1}
		if i > 0 {
			prev := cell[i-1].Value
			steps[i].Replaced = &prev
		}
	}
	for i := 0; i+1 < len(cell); i++ {
		steps[i].Outcome = OutcomeOverwritten
		if Conflicting(cell, &cell[i], &cell[i+1]) {
			steps[i].Outcome, steps[i].Over, steps[i+1].Over = OutcomeLostConflict, i+1, i
		}
	}
	return steps
}

// RowLog returns every change this replica's log holds of the row id of
// table — its existence and each of its cells — in log order; none for a
// row it never held. It reads the log through its scope index, within the
// row's scope.
func (db *DB) RowLog(ctx context.Context, table string, id RowID) ([]Change, error) {
	var scope string
	err := db.r.QueryRowContext(ctx, `SELECT scope FROM sync_rows WHERE tbl = ? AND row_id = ?`, table, id[:]).Scan(&scope)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read row %s %s: %w", table, id, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE l.scope = ? AND l.tbl = ? AND l.row_id = ? ORDER BY l.seq`, scope, table, id[:])
	if err != nil {
		return nil, fmt.Errorf("read the log of %s %s: %w", table, id, err)
	}
	return db.scanChanges(ctx, db.r, rows, nil)
}
