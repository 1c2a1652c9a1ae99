package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// Resite moves this replica, in one transaction, from site f.From to the
// new site f.To, after a sync found its database to be an older copy of
// itself or a copy used on another laptop (see Fork). Its changes of From
// after f.At become To's changes 1 to k, with the same stamps, bases,
// causal lengths and values; their log entries are rewritten in place and
// the chain rehashed from the first of them; every cell they wrote is
// decided again from the log (a write of another site with the same causal
// length and stamp may now win, or lose, against the new site); its own
// sequence becomes k, and nothing of To is acknowledged yet. The version
// vector it keeps of From falls to f.At, and its refusals of From's
// changes after f.At, which are To's now and will be judged again, go.
//
// logged is how many changes of From after f.At the server's log held:
// the pulls that follow must bring them (Client.catchUp). save, if not nil,
// runs in the transaction, to keep the device's new token and key with
// it. Resite returns f with Moved and When set, and keeps it for Status.
func (db *DB) Resite(ctx context.Context, f Fork, logged uint64, save func(tx *sql.Tx) error) (Fork, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx, durable)
	if err != nil {
		return Fork{}, err
	}
	defer m.rollback()
	if err := m.checkResite(f); err != nil {
		return Fork{}, err
	}
	own := db.ownSeq
	f.Moved, f.When = int(own-f.At), time.UnixMilli(db.clock.WallMillis())
	if err := m.moveOwn(f); err != nil {
		return Fork{}, err
	}
	if err := m.resiteMeta(f, logged); err != nil {
		return Fork{}, err
	}
	if save != nil {
		if err := save(m.tx); err != nil {
			return Fork{}, err
		}
	}
	if err := m.commit(); err != nil {
		return Fork{}, err
	}
	db.setSite(f.To)
	db.ownSeq = own - f.At
	return f, nil
}

// checkResite refuses a fork that does not fit this replica as it is now.
func (m *merger) checkResite(f Fork) error {
	switch {
	case m.db.site != f.From:
		return fmt.Errorf("resite: this replica is site %s now, not %s", m.db.site, f.From)
	case f.At > m.db.ownSeq:
		return fmt.Errorf("resite: this replica wrote %d changes, fewer than the %d it shares with the server", m.db.ownSeq, f.At)
	case f.To == SiteID{} || f.To == f.From:
		return fmt.Errorf("resite: %s is no new site id", f.To)
	}
	known, err := siteIDIfKnown(m.ctx, m.tx, f.To)
	if err != nil {
		return err
	}
	if known != 0 {
		return fmt.Errorf("resite: site %s is known here already", f.To)
	}
	return nil
}

// moveOwn moves the replica's changes of f.From after f.At to f.To in the
// log, and decides again the cells they wrote.
func (m *merger) moveOwn(f Fork) error {
	from, err := m.sites.id(m.ctx, f.From)
	if err != nil {
		return err
	}
	to, err := m.sites.id(m.ctx, f.To)
	if err != nil {
		return err
	}
	var first sql.NullInt64
	err = m.tx.QueryRowContext(m.ctx, `SELECT min(seq) FROM sync_log WHERE origin = ? AND origin_seq > ?`, from, f.At).Scan(&first)
	if err != nil {
		return fmt.Errorf("resite: find the changes to move: %w", err)
	}
	if !first.Valid {
		return nil // nothing written since: only the numbers to come change
	}
	err = m.rewriteLog(uint64(first.Int64), func(e *AuditEntry) bool {
		c := &e.Change
		if c.Site != f.From || c.Seq <= f.At {
			return false
		}
		c.Site, c.Seq = f.To, c.Seq-f.At
		return true
	})
	if err != nil {
		return err
	}
	return m.redecideCells(to)
}

// redecideCells decides again, from the log, the winning write of every
// cell that a change of origin wrote.
func (m *merger) redecideCells(origin int64) error {
	writes, err := m.writesOfCellsOf(origin)
	if err != nil {
		return err
	}
	return m.decide(writes)
}

// writesOfCellsOf reads every logged write of the cells a change of origin
// wrote. It scans the log once: cells are not indexed by the log.
func (m *merger) writesOfCellsOf(origin int64) ([]cellWrite, error) {
	rows, err := m.tx.QueryContext(m.ctx, `SELECT tbl, row_id, col, val, hlc, origin, cl, seq FROM sync_log
		WHERE col != '' AND (tbl, row_id, col) IN (SELECT tbl, row_id, col FROM sync_log WHERE origin = ? AND col != '')`, origin)
	if err != nil {
		return nil, fmt.Errorf("resite: read the writes of moved cells: %w", err)
	}
	defer rows.Close()
	var out []cellWrite
	for rows.Next() {
		var w cellWrite
		var row []byte
		var val any
		if err := rows.Scan(&w.key.row.table, &row, &w.key.col, &val, &w.v.hlc, &w.origin, &w.v.cl, &w.v.seq); err != nil {
			return nil, fmt.Errorf("resite: read the writes of moved cells: %w", err)
		}
		copy(w.key.row.id[:], row)
		if w.v.value, err = ValueOf(val); err != nil {
			return nil, fmt.Errorf("resite: read a write of %s: %w", w.key.row.table, err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("resite: read the writes of moved cells: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].v.site, err = m.sites.uuid(m.ctx, out[i].origin); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resiteMeta makes f.To this replica's site, with its own changes moved
// there and none acknowledged, and keeps the fork.
func (m *merger) resiteMeta(f Fork, logged uint64) error {
	from, err := m.sites.id(m.ctx, f.From)
	if err != nil {
		return err
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sync_rejected WHERE origin = ? AND origin_seq > ?`, []any{from, f.At}},
		{`UPDATE sync_versions SET seq = min(seq, ?) WHERE origin = ?`, []any{f.At, from}},
		{`DELETE FROM sync_meta WHERE key = ?`, []any{metaForkIntent}},
		{`INSERT INTO sync_forks (from_site, at_seq, to_site, moved, server_held, logged, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			[]any{f.From[:], f.At, f.To[:], f.Moved, f.ServerHeld, logged, f.When.UnixMilli()}},
	} {
		if _, err := m.tx.ExecContext(m.ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("resite: %w", err)
		}
	}
	for key, value := range map[string]any{metaSite: f.To[:], metaOwnSeq: int64(f.Moved), metaPushed: int64(0)} {
		if err := setMeta(m.ctx, m.tx, key, value); err != nil {
			return err
		}
	}
	return nil
}

// checkForks checks, for the forks not checked yet, that this replica
// holds as many changes of the old site as the server logged after the
// fork's point, and marks them checked. If it holds fewer, it sets the
// pull cursor back to the start of the server's log, in the same
// transaction, and says so.
func (db *DB) checkForks(ctx context.Context) (bool, error) {
	var unchecked bool
	if err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sync_forks WHERE caught_up = 0)`).Scan(&unchecked); err != nil || !unchecked {
		return false, err
	}
	rewound := false
	err := db.Exec(ctx, func(tx *sql.Tx) error {
		var short int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_forks f WHERE caught_up = 0 AND logged >
			(SELECT count(*) FROM sync_log l JOIN sync_sites s ON s.id = l.origin WHERE s.site = f.from_site AND l.origin_seq > f.at_seq)`).
			Scan(&short)
		if err != nil {
			return fmt.Errorf("check forks: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_forks SET caught_up = 1 WHERE caught_up = 0`); err != nil {
			return fmt.Errorf("check forks: %w", err)
		}
		if rewound = short > 0; rewound {
			return setMeta(ctx, tx, metaPullCursor, mustJSON(Cursor{}))
		}
		return nil
	})
	return rewound, err
}

// LastFork returns the fork this replica made that a status shows: the
// latest, until the second sync completed after it (RecordSync); nil if
// there is none.
func (db *DB) LastFork(ctx context.Context) (*Fork, error) {
	forks, err := db.forks(ctx, true)
	if err != nil || len(forks) == 0 {
		return nil, err
	}
	return &forks[len(forks)-1], nil
}

// forks lists the forks this replica made, oldest first: all of them, or
// those a status shows.
func (db *DB) forks(ctx context.Context, shown bool) ([]Fork, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT from_site, at_seq, to_site, moved, server_held, at FROM sync_forks
		WHERE syncs < ? ORDER BY id`, map[bool]int{true: 2, false: math.MaxInt32}[shown])
	if err != nil {
		return nil, fmt.Errorf("read forks: %w", err)
	}
	defer rows.Close()
	var out []Fork
	for rows.Next() {
		var f Fork
		var from, to []byte
		var at int64
		if err := rows.Scan(&from, &f.At, &to, &f.Moved, &f.ServerHeld, &at); err != nil {
			return nil, fmt.Errorf("read forks: %w", err)
		}
		copy(f.From[:], from)
		copy(f.To[:], to)
		f.When = time.UnixMilli(at)
		out = append(out, f)
	}
	return out, rows.Err()
}
