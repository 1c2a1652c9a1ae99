package syncengine

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// acknowledged, and, once planned, its new stamp and base.
type restampEntry struct {
	logSeq, seq     uint64
	hlc, base       HLC
	newHLC, newBase HLC
	table, col      string
	row             []byte
}

// restampPlan is the changes to re-stamp, in sequence order, with their new
// stamps, and the clock's high-water mark after them.
type restampPlan struct {
	origin    int64
	entries   []restampEntry
	clockLast HLC
}

// Restamp gives new stamps to this site's changes after held (the server
// has not acknowledged them, so no other replica has seen them), from the
// first one stamped ahead of the wall clock that the write rule does not
// explain (see future.go) to the last, in the order they were recorded:
// each gets the stamp a write gets, the clock's next timestamp or just
// after its base if that is later, its base being the new stamp of the
// change it replaced if that was re-stamped too. The clock starts from the
// latest stamp of a change that keeps its stamp, up to the wall clock plus
// the tolerance: stamps inherited from a replica whose clock ran ahead, and
// this site's own stamped that far ahead, are not followed, so they never
// hold the repair up. The persisted high-water mark drops to what the clock
// issued.
//
// An edit still beats the value its writer saw. A change written without
// seeing a received one of the same cell may lose to it now where it won
// before (its old stamp came of a wrong clock): every cell a re-stamped
// change writes is merged again from the log. The log's stamps, bases and
// chain hashes, the cells and the domain tables are rewritten in one
// transaction. Pull cursors other replicas hold on this log past the first
// re-stamped change no longer match, and those replicas catch up in full.
//
// held is how far the server holds this site's changes; the acknowledged
// sequence recorded by the last push counts too. A non-zero horizon is the
// latest stamp the server accepts: if the clock would stamp past it,
// nothing changes and the error wraps ErrClockStillAhead. With nothing to
// re-stamp the error wraps ErrNothingToRepair.
func (db *DB) Restamp(ctx context.Context, held uint64, horizon HLC) (RestampResult, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx, durable)
	if err != nil {
		return RestampResult{}, err
	}
	defer m.rollback()
	plan, err := m.planRestamp(held)
	if err != nil {
		return RestampResult{}, err
	}
	res := plan.result()
	if horizon != 0 && plan.clockLast > horizon {
		return RestampResult{}, fmt.Errorf("%w: this laptop's clock would stamp the changes waiting at %s, later than the server accepts (%s); nothing was changed",
			ErrClockStillAhead, plan.clockLast, horizon)
	}
	if err := m.restampLog(plan); err != nil {
		return RestampResult{}, err
	}
	if err := m.remergeCells(plan); err != nil {
		return RestampResult{}, err
	}
	if err := m.flush(); err != nil {
		return RestampResult{}, err
	}
	if err := setMeta(ctx, m.tx, metaHLC, int64(plan.clockLast)); err != nil {
		return RestampResult{}, err
	}
	if err := m.tx.Commit(); err != nil {
		return RestampResult{}, fmt.Errorf("commit restamp: %w", err)
	}
	db.clock.reset(plan.clockLast)
	return res, nil
}

// result says what the plan does.
func (p *restampPlan) result() RestampResult {
	first, last := p.entries[0], p.entries[len(p.entries)-1]
	res := RestampResult{Restamped: len(p.entries), FirstSeq: first.seq, LastSeq: last.seq}
	for _, e := range p.entries {
		res.OldLatest, res.NewLatest = max(res.OldLatest, e.hlc), max(res.NewLatest, e.newHLC)
	}
	return res
}

// planRestamp finds the changes to re-stamp and gives each its new stamp.
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
	wall := MakeHLC(m.db.clock.WallMillis(), 1<<hlcCounterBits-1)
	i := 0
	for i < len(waiting) && (waiting[i].hlc <= wall || waiting[i].explained()) {
		i++ // changes stamped right, or just after a value stamped ahead, keep their stamps
	}
	if i == len(waiting) {
		return restampPlan{}, fmt.Errorf("%w: the %d changes waiting to be sent are not stamped ahead of this laptop's clock (%s)",
			ErrNothingToRepair, len(waiting), time.UnixMilli(m.db.clock.WallMillis()).UTC().Format(time.RFC3339))
	}
	plan := restampPlan{origin: origin, entries: waiting[i:]}
	var floor HLC // the latest stamp the clock follows among the changes that keep theirs
	err = m.tx.QueryRowContext(m.ctx, `SELECT coalesce(max(hlc), 0) FROM sync_log WHERE hlc <= ? AND (origin != ? OR origin_seq < ?)`,
		m.db.clock.Horizon(), origin, plan.entries[0].seq).Scan(&floor)
	if err != nil {
		return restampPlan{}, fmt.Errorf("restamp: latest stamp kept: %w", err)
	}
	plan.stamp(NewClock(m.db.clock.wall, floor, m.db.clock.tolerance))
	return plan, nil
}

// explained reports whether the write rule explains e's stamp by its own
// base (see future.go).
func (e *restampEntry) explained() bool {
	return explained(&Change{Column: e.col, HLC: e.hlc}, e.base)
}

// stamp gives each planned change, in order, the stamp a write gets from
// clock, after its base as re-stamped.
func (p *restampPlan) stamp(clock *Clock) {
	type cellStamp struct {
		table, col string
		row        RowID
		hlc        HLC
	}
	renamed := map[cellStamp]HLC{} // a re-stamped change's old stamp in its cell, to its new one
	for i := range p.entries {
		e := &p.entries[i]
		row := RowID(e.row)
		e.newBase = e.base
		if b, ok := renamed[cellStamp{e.table, e.col, row, e.base}]; ok && e.base != 0 {
			e.newBase = b
		}
		e.newHLC = clock.stamp(e.newBase)
		renamed[cellStamp{e.table, e.col, row, e.hlc}] = e.newHLC
	}
	p.clockLast = clock.Last()
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
// chain hash of every log entry from the first of them on.
func (m *merger) restampLog(plan restampPlan) error {
	from := plan.entries[0].logSeq
	restamped := make(map[uint64]restampEntry, len(plan.entries))
	for _, e := range plan.entries {
		restamped[e.logSeq] = e
	}
	return m.rewriteLog(from, func(entry *AuditEntry) bool {
		e, ok := restamped[entry.Seq]
		if ok {
			c := &entry.Change
			c.HLC, c.Base = e.newHLC, e.newBase
		}
		return ok
	})
}

// remergeCells merges again, from the log as re-stamped, every cell a
// re-stamped change writes (the stored cells hold the old stamps). The
// log has no index by row: it is read once for every prefetchChunk rows.
func (m *merger) remergeCells(plan restampPlan) error {
	touched := map[cellKey]bool{}
	rows := map[RowID]bool{}
	for _, e := range plan.entries {
		if e.col != ExistsColumn {
			touched[cellKey{rowKey{e.table, RowID(e.row)}, e.col}] = true
			rows[RowID(e.row)] = true
		}
	}
	ids := make([]any, 0, len(rows))
	for id := range rows {
		ids = append(ids, id[:])
	}
	var writes []cellWrite
	for chunk := range slices.Chunk(ids, prefetchChunk) {
		q, err := m.tx.QueryContext(m.ctx, `SELECT `+logColumns+` FROM sync_log l WHERE col != '' AND row_id IN `+marks(len(chunk)), chunk...)
		if err != nil {
			return fmt.Errorf("restamp: read the writes of the cells re-stamped: %w", err)
		}
		var seqs []uint64
		changes, err := m.db.scanChanges(m.ctx, m.tx, q, &seqs)
		if err != nil {
			return err
		}
		for i, c := range changes {
			k := cellKey{rowKey{c.Table, c.Row}, c.Column}
			if !touched[k] {
				continue
			}
			origin, err := m.sites.id(m.ctx, c.Site)
			if err != nil {
				return err
			}
			w := cellWrite{key: k, v: c.version(), origin: origin}
			w.v.seq = seqs[i]
			writes = append(writes, w)
		}
	}
	return m.decide(writes)
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
