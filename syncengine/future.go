package syncengine

import (
	"context"
	"fmt"
)

// Stamps in the future. A replica whose wall clock ran ahead (or a server
// whose clock jumped and accepted such a replica's changes) leaves changes
// stamped in everyone's future. They merge like any other change: the
// merge never looks at a clock. What must not happen is that they stop
// replicas whose clocks are right from writing and sending. So a
// replica's clock is judged by its wall clock, never by stamps it
// inherited:
//
//   - a clock follows an observed stamp only up to its wall clock plus its
//     tolerance (Clock.Observe);
//   - a local write to a cell is stamped max(clock.Now(), base.Next()),
//     base the HLC of the value it replaces (Tx.emit): an edit beats the
//     value its writer saw, even one stamped in the future, without the
//     clock following it there;
//   - a receiver accepts a change stamped past its wall clock plus the skew
//     it accepts only if the write rule explains it: a cell write stamped
//     no later than just after the value the cell holds in the receiver
//     (StampAhead). A cell write to an incarnation of its row older than
//     the one its cell's value belongs to (a lower causal length: the row
//     was deleted and restored since) is accepted too: causal lengths are
//     compared before stamps, so it loses to the value held there, and
//     wherever the restore reaches; its writer saw a value the receiver no
//     longer keeps. Where it wins meanwhile (a replica the restore has not
//     reached), the write rule lets an edit beat it, as any value stamped
//     ahead. Anything else is refused where it first arrives, so that it
//     never spreads;
//   - a client holds its push back when its wall clock is ahead of its
//     server's, or when a change waiting to be sent is stamped ahead of
//     the server's clock and not explained by the write rule (checkClock);
//     `hodan clock repair` re-stamps those (Restamp).

// stamp is the stamp of a local write whose writer saw the value stamped
// base (0 for none): the clock's next timestamp, or just after base if that
// is later.
func (c *Clock) stamp(base HLC) HLC { return max(c.Now(), base.Next()) }

// explained reports whether the write rule explains c's stamp, given the
// HLC of the value c's cell held before it: c writes a cell, and is
// stamped no later than just after that value.
func explained(c *Change, before HLC) bool {
	return !c.IsExists() && before != 0 && c.HLC <= before.Next()
}

// StampAhead reports whether a receiver must refuse c for its clock: c is
// stamped past horizon (the receiver's wall clock plus the skew it
// accepts), and is not a cell write stamped no later than just after the
// value its cell holds in the receiver (rows.Cell), as the write rule
// stamps an edit of a value stamped in the future, nor a cell write to an
// older incarnation of its row than that value's, which loses to it.
// Vetters call it; rows is the RowReader the engine passes them.
func StampAhead(c *Change, horizon HLC, rows RowReader) (bool, error) {
	if c.HLC <= horizon {
		return false, nil
	}
	if c.IsExists() {
		return true, nil
	}
	winner, cl, err := rows.Cell(c.Table, c.Row, c.Column)
	if err != nil {
		return false, err
	}
	if c.CL < cl {
		return false, nil // it loses to the value held, whatever its stamp
	}
	return !explained(c, winner), nil
}

// Cell is the HLC and causal length of the winning write of a cell as the
// batch has left it so far: what StampAhead compares a change with.
func (r mergerRows) Cell(table string, id RowID, column string) (HLC, uint64, error) {
	key := rowKey{table, id}
	st, err := r.m.row(key)
	if err != nil || st == nil {
		return 0, 0, err
	}
	v, err := r.m.cell(key, st, column)
	if err != nil || v == nil {
		return 0, 0, err
	}
	return v.hlc, v.cl, nil
}

// firstAhead returns the first of this site's changes after seq that is
// stamped past horizon without the write rule explaining it by its own
// base (the value its writer saw, which the server holds before it). found
// is false if there is none.
func (db *DB) firstAhead(ctx context.Context, seq uint64, horizon HLC) (c Change, found bool, err error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE origin = (SELECT id FROM sync_sites WHERE site = ?) AND origin_seq > ? AND hlc > ?
		ORDER BY origin_seq`, db.site[:], seq, horizon)
	if err != nil {
		return Change{}, false, fmt.Errorf("read changes stamped ahead: %w", err)
	}
	ahead, err := db.scanChanges(ctx, db.r, rows, nil)
	if err != nil {
		return Change{}, false, err
	}
	for _, c := range ahead {
		if !explained(&c, c.Base) {
			return c, true, nil
		}
	}
	return Change{}, false, nil
}

// StampedAfter lists the log's entries stamped after h, in log order: for
// a server, h its clock plus the skew it accepts, the changes a clock that
// ran ahead left in everyone's future. It reads the whole log.
func (db *DB) StampedAfter(ctx context.Context, h HLC) ([]AuditEntry, error) {
	return queryAuditLog(ctx, db.r, db.sites, `WHERE hlc > ? ORDER BY seq`, h)
}
