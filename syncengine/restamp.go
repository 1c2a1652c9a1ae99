package syncengine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Re-stamping repairs what a wrong wall clock did: changes stamped days
// ahead, which the server refuses, and a high-water mark that would stamp
// every later change ahead too. Only changes no other replica has seen may
// get new stamps; everything else that holds an HLC follows them.

// ErrNothingToRepair is returned by Restamp when no change waiting to be
// sent is stamped ahead of the wall clock.
var ErrNothingToRepair = errors.New("nothing to repair")

// ErrClockStillAhead is returned by RepairClock when this laptop's clock is
// still ahead of the server's, or re-stamping could not bring the changes
// within what the server accepts.
var ErrClockStillAhead = errors.New("this laptop's clock is still ahead of the server's")

// RestampResult is what Restamp did.
type RestampResult struct {
	Restamped int    // changes given new stamps
	FirstSeq  uint64 // this site's sequence numbers of the first and last of them
	LastSeq   uint64
	OldLatest HLC // the latest stamp among them, before and after
	NewLatest HLC
}

// restampEntry is one of this site's changes the server has not
// acknowledged.
type restampEntry struct {
	logSeq, seq uint64
	hlc, base   HLC
	table, col  string
	row         []byte
}

// restampPlan is the new stamp of each change to re-stamp.
type restampPlan struct {
	origin  int64
	entries []restampEntry // the changes to re-stamp, in sequence order
	newHLC  map[HLC]HLC    // old stamp to new, for stamps and bases alike
}

// Restamp gives new stamps, from the wall clock, to this site's changes
// after held (the server has not acknowledged them, so no other replica has
// seen them) that are stamped ahead of the wall clock, keeping their order,
// and lowers the persisted high-water mark to the latest of them. Every
// stamp stays above every change already sent or received, and above the
// changes waiting that are not re-stamped, so no cell changes winner: the
// log's stamps and bases, the cells' versions and the log's chain hashes are
// rewritten to match, in one transaction. Pull cursors other replicas hold
// on this log past the first re-stamped change no longer match, and those
// replicas catch up in full.
//
// held is how far the server holds this site's changes; the acknowledged
// sequence recorded by the last push counts too. A non-zero horizon is the
// latest stamp the server accepts: if the new stamps would pass it,
// nothing changes and the error wraps ErrClockStillAhead. With nothing to
// re-stamp the error wraps ErrNothingToRepair.
func (db *DB) Restamp(ctx context.Context, held uint64, horizon HLC) (RestampResult, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx)
	if err != nil {
		return RestampResult{}, err
	}
	defer m.rollback()
	plan, err := m.planRestamp(held)
	if err != nil {
		return RestampResult{}, err
	}
	first, last := plan.entries[0], plan.entries[len(plan.entries)-1]
	res := RestampResult{Restamped: len(plan.entries), FirstSeq: first.seq, LastSeq: last.seq,
		OldLatest: last.hlc, NewLatest: plan.newHLC[last.hlc]}
	if horizon != 0 && res.NewLatest > horizon {
		return RestampResult{}, fmt.Errorf("%w: changes already sent or received are stamped up to %s, later than the server accepts (%s); nothing was changed",
			ErrClockStillAhead, res.NewLatest, horizon)
	}
	if err := m.restampLog(plan, first.logSeq); err != nil {
		return RestampResult{}, err
	}
	if err := m.restampCells(plan); err != nil {
		return RestampResult{}, err
	}
	if err := setMeta(ctx, m.tx, metaHLC, int64(res.NewLatest)); err != nil {
		return RestampResult{}, err
	}
	if err := m.tx.Commit(); err != nil {
		return RestampResult{}, fmt.Errorf("commit restamp: %w", err)
	}
	db.clock.reset(res.NewLatest)
	return res, nil
}

// planRestamp finds this site's unacknowledged changes stamped ahead of
// the wall clock and gives each a new stamp.
func (m *merger) planRestamp(held uint64) (restampPlan, error) {
	var pushed int64
	if err := getMeta(m.ctx, m.tx, metaPushed, &pushed); err != nil && !errors.Is(err, errNoMeta) {
		return restampPlan{}, err
	}
	held = max(held, uint64(pushed))
	origin, err := siteIDIfKnown(m.ctx, m.tx, m.db.site)
	if err != nil {
		return restampPlan{}, err
	}
	waiting, err := m.ownAfter(origin, held)
	if err != nil {
		return restampPlan{}, err
	}
	if len(waiting) == 0 {
		return restampPlan{}, fmt.Errorf("%w: no changes are waiting to be sent", ErrNothingToRepair)
	}
	var floor HLC // the latest stamp of every change that keeps its stamp
	err = m.tx.QueryRowContext(m.ctx, `SELECT coalesce(max(hlc), 0) FROM sync_log WHERE origin != ? OR origin_seq <= ?`,
		origin, held).Scan(&floor)
	if err != nil {
		return restampPlan{}, fmt.Errorf("restamp: latest stamp sent or received: %w", err)
	}
	wall := MakeHLC(m.db.clock.WallMillis(), 1<<hlcCounterBits-1)
	i := 0
	for i < len(waiting) && (waiting[i].hlc <= wall || waiting[i].hlc <= floor) {
		floor = max(floor, waiting[i].hlc) // changes stamped right keep their stamps
		i++
	}
	if i == len(waiting) {
		return restampPlan{}, fmt.Errorf("%w: the %d changes waiting to be sent are not stamped ahead of this laptop's clock (%s)",
			ErrNothingToRepair, len(waiting), time.UnixMilli(m.db.clock.WallMillis()).UTC().Format(time.RFC3339))
	}
	plan := restampPlan{origin: origin, entries: waiting[i:], newHLC: map[HLC]HLC{}}
	clock := NewClock(m.db.clock.wall, floor)
	for _, e := range plan.entries {
		plan.newHLC[e.hlc] = clock.Now()
	}
	return plan, nil
}

// ownAfter reads this site's changes after seq, in sequence order.
func (m *merger) ownAfter(origin int64, seq uint64) ([]restampEntry, error) {
	rows, err := m.tx.QueryContext(m.ctx, `SELECT seq, origin_seq, hlc, base, tbl, row_id, col FROM sync_log
		WHERE origin = ? AND origin_seq > ? ORDER BY origin_seq`, origin, seq)
	if err != nil {
		return nil, fmt.Errorf("restamp: read changes waiting: %w", err)
	}
	defer rows.Close()
	var out []restampEntry
	for rows.Next() {
		var e restampEntry
		if err := rows.Scan(&e.logSeq, &e.seq, &e.hlc, &e.base, &e.table, &e.row, &e.col); err != nil {
			return nil, fmt.Errorf("restamp: read changes waiting: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("restamp: read changes waiting: %w", err)
	}
	return out, nil
}

// restampLog rewrites the stamps and bases of the planned changes and the
// chain hash of every log entry from the first of them on. A base that
// names a re-stamped change names it by its new stamp: no other change has
// its old one, since the old stamps are above every stamp that stays.
func (m *merger) restampLog(plan restampPlan, from uint64) error {
	restamped := make(map[uint64]restampEntry, len(plan.entries))
	for _, e := range plan.entries {
		restamped[e.logSeq] = e
	}
	return m.rewriteLog(from, func(entry *AuditEntry) bool {
		e, ok := restamped[entry.Seq]
		if ok {
			c := &entry.Change
			c.HLC, c.Base = plan.newHLC[e.hlc], e.base
			if b, ok := plan.newHLC[e.base]; ok {
				c.Base = b
			}
		}
		return ok
	})
}

// restampCells gives the cells whose winning write is a re-stamped change
// its new stamp. The winners themselves stay: see Restamp.
func (m *merger) restampCells(plan restampPlan) error {
	for _, e := range plan.entries {
		if e.col == ExistsColumn {
			continue
		}
		_, err := m.tx.ExecContext(m.ctx, `UPDATE sync_cells SET hlc = ? WHERE tbl = ? AND row_id = ? AND col = ? AND site = ? AND hlc = ?`,
			plan.newHLC[e.hlc], e.table, e.row, e.col, plan.origin, e.hlc)
		if err != nil {
			return fmt.Errorf("restamp: rewrite cell %s.%s: %w", e.table, e.col, err)
		}
	}
	return nil
}

// RepairClock re-stamps this device's changes the server has not
// acknowledged (see DB.Restamp), once this laptop's clock agrees with the
// server's: it asks the server how far it holds this device's changes and
// what time it is, and refuses, changing nothing, while the wall clock is
// further ahead of the server's than the server accepts.
func (c *Client) RepairClock(ctx context.Context, db *DB) (RestampResult, error) {
	vr, err := c.versions(ctx, db)
	if err != nil {
		return RestampResult{}, err
	}
	var horizon HLC
	if vr.MaxClockSkew > 0 {
		limit := vr.ServerTime + vr.MaxClockSkew
		if wall := db.clock.WallMillis(); wall > limit {
			return RestampResult{}, fmt.Errorf("%w by %s (this laptop's clock reads %s, the server's %s): set this laptop's date and time first; nothing was changed",
				ErrClockStillAhead, (time.Duration(wall-vr.ServerTime) * time.Millisecond).Round(time.Second),
				time.UnixMilli(wall).UTC().Format(time.RFC3339), time.UnixMilli(vr.ServerTime).UTC().Format(time.RFC3339))
		}
		horizon = MakeHLC(limit, 1<<hlcCounterBits-1)
	}
	return db.Restamp(ctx, vr.Versions[db.Site()], horizon)
}
