package reconcile

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// Settling an orphan is one ordinary write that syncs, so every replica
// stops listing it once it has the write: Restore brings back what was
// deleted, MoveTo puts the record under another live household (or a
// household in another village, or merges a hidden household into another
// one), DeleteOrphan deletes the record. Each takes the orphan as Orphans
// listed it and checks, within the transaction, that it still is one.

// Errors of settling, for the front end to explain.
var (
	// ErrSettled: the record is no longer an orphan (deleted, or what it
	// belongs to is alive again).
	ErrSettled = errors.New("the record is no longer an orphan")
	// ErrNotRestorable: this replica never held the row that is missing,
	// so it cannot bring it back.
	ErrNotRestorable = errors.New("the missing row was never held here")
	// ErrMoveTarget: the row to move to is not a live, shown row of the
	// right table in the record's commune.
	ErrMoveTarget = errors.New("not a row to move the record to")
)

// Restore brings back, within tx, the row whose absence makes o an orphan,
// with the values of its last life (syncengine.Tx.Restore). For a
// household merged into a deleted one, the household its chain of merges
// ends at comes back; the records still under the merged household move
// to it when merges are next settled.
func Restore(tx *syncengine.Tx, o Orphan) error {
	if err := stillOrphan(tx, o); err != nil {
		return err
	}
	id, err := uuid.Parse(o.Deleted.ID)
	if !o.Deleted.Known || err != nil {
		return fmt.Errorf("restore %s %s: %w", o.Deleted.Table, o.Deleted.ID, ErrNotRestorable)
	}
	if err := tx.Restore(o.Deleted.Table, id); err != nil {
		return fmt.Errorf("restore %s %s: %w", o.Deleted.Table, id, err)
	}
	return nil
}

// MoveTable is the table of the rows o can be moved to (MoveTo): villages
// for a household whose village was deleted, else households.
func MoveTable(o Orphan) *schema.Table {
	if o.Reason == ReasonVillageDeleted {
		return schema.Villages
	}
	return schema.Households
}

// MoveTo moves o, within tx, to the live row to of MoveTable(o) in o's
// commune: a record to another household, a household to another village,
// a hidden household to merge into another (its records follow when
// merges are next settled). A household to move to must be shown (not
// merged into another).
func MoveTo(tx *syncengine.Tx, o Orphan, to syncengine.RowID) error {
	if err := stillOrphan(tx, o); err != nil {
		return err
	}
	table := MoveTable(o).Name
	scope, alive, err := tx.Row(table, to)
	if err != nil {
		return err
	}
	if !alive || scope != o.Commune || (table == o.Table && to == o.Row) {
		return fmt.Errorf("%s %s: %w", schemaNoun(table), to, ErrMoveTarget)
	}
	if table == "households" {
		merged, err := idsWhere(context.Background(), txQuerier{tx}, "households", "id = ? AND merged_into IS NOT NULL", to.String())
		if err != nil {
			return err
		}
		if len(merged) > 0 {
			return fmt.Errorf("%s %s is merged into another: %w", schemaNoun(table), to, ErrMoveTarget)
		}
	}
	return tx.Update(o.Table, o.Row, map[string]any{moveColumn(o): to.String()})
}

// moveColumn is the column of o that MoveTo sets.
func moveColumn(o Orphan) string {
	switch {
	case o.Reason == ReasonVillageDeleted:
		return "village_id"
	case o.Table == "households":
		return "merged_into"
	}
	if t, ok := schema.TableByName(o.Table); ok {
		return t.ParentColumn
	}
	return "" // no table of the schema: the update refuses it

}

// DeleteOrphan deletes o within tx, by the rule of DeleteRecord: a
// household with live records of its own is deleted only withChildren.
func DeleteOrphan(tx *syncengine.Tx, o Orphan, withChildren bool) error {
	if err := stillOrphan(tx, o); err != nil {
		return err
	}
	return DeleteRecord(tx, o.Table, o.Row, withChildren)
}

// stillOrphan checks within tx that o's record is alive, the row it misses
// is not, and the record still hangs from that row (see stillLinked): an
// orphan settled once, then settled again as it was listed, is refused.
func stillOrphan(tx *syncengine.Tx, o Orphan) error {
	_, alive, err := tx.Row(o.Table, o.Row)
	if err != nil {
		return err
	}
	missing := true
	if id, perr := uuid.Parse(o.Deleted.ID); perr == nil && alive {
		_, back, err := tx.Row(o.Deleted.Table, id)
		if err != nil {
			return err
		}
		missing = !back
	}
	linked := false
	if alive && missing {
		if linked, err = stillLinked(tx, o); err != nil {
			return err
		}
	}
	if !linked {
		return fmt.Errorf("%s %s: %w", schemaNoun(o.Table), o.Row, ErrSettled)
	}
	return nil
}

// stillLinked reports whether o's record still hangs from the row it
// misses, as Orphans found it: its link still names that row (a record of
// a deleted household, a shown household of a deleted village), or, for a
// merge, the chain of merges of its household still ends there.
func stillLinked(tx *syncengine.Tx, o Orphan) (bool, error) {
	q := txQuerier{tx}
	t, ok := schema.TableByName(o.Table)
	if !ok {
		return false, nil // Orphans lists only tables of the schema
	}
	switch o.Reason {
	case ReasonParentDeleted:
		return linkIs(q, o.Table, o.Row, t.ParentColumn+" = ?", o.Deleted.ID)
	case ReasonVillageDeleted:
		return linkIs(q, o.Table, o.Row, "village_id = ? AND merged_into IS NULL", o.Deleted.ID)
	}
	household := o.Row.String()
	if o.Table != "households" {
		same, err := linkIs(q, o.Table, o.Row, t.ParentColumn+" = ?", o.HouseholdID)
		if !same || err != nil {
			return false, err
		}
		household = o.HouseholdID
	}
	end, err := mergeEnd(q, household)
	return end == o.Deleted.ID, err
}

// linkIs reports whether the row id of table matches where, with arg.
func linkIs(q Querier, table string, id syncengine.RowID, where, arg string) (bool, error) {
	found, err := idsWhere(context.Background(), q, table, "id = ? AND "+where, id.String(), arg)
	return len(found) > 0, err
}

// mergeEnd follows the chain of merges from the household id through live
// households and returns the first one on it that is not alive; "" when
// the chain ends at a live household (or in a cycle of them, which
// settling merges breaks).
func mergeEnd(q Querier, id string) (string, error) {
	seen := map[string]bool{}
	for cur := id; !seen[cur]; {
		seen[cur] = true
		rows, err := q.QueryContext(context.Background(), `SELECT COALESCE(merged_into, '') FROM households WHERE id = ?`, cur)
		if err != nil {
			return "", fmt.Errorf("read households: %w", err)
		}
		next, live := "", rows.Next()
		if live {
			err = rows.Scan(&next)
		}
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		switch {
		case err != nil:
			return "", fmt.Errorf("read households: %w", err)
		case !live:
			return cur, nil
		case next == "":
			return "", nil
		}
		cur = next
	}
	return "", nil
}
