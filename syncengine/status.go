package syncengine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Keys of sync_meta for the client side of push.
const (
	metaPushed   = "pushed_seq"
	metaLastSync = "last_sync"
	// The server's time learned at the last sync, and this replica's wall
	// clock then, in Unix milliseconds (see RecordServerTime).
	metaServerTime = "server_time"
	metaServerWall = "server_time_wall"
)

// RecordPushed records, after a push batch, how far the server holds this
// site's changes and the changes it refused, so that the officer can see and
// fix them. The commit is recoverable: the server keeps both, and the
// next sync's versions asks for them again from what this file holds.
func (db *DB) RecordPushed(ctx context.Context, rejected []Rejection, held uint64) error {
	return db.exec(ctx, recoverable, func(tx *sql.Tx) error {
		for _, r := range rejected {
			if err := db.recordOwnRejection(ctx, tx, r); err != nil {
				return err
			}
		}
		return setMeta(ctx, tx, metaPushed, int64(held))
	})
}

func (db *DB) recordOwnRejection(ctx context.Context, tx *sql.Tx, r Rejection) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l JOIN sync_sites s ON s.id = l.origin
		WHERE s.site = ? AND l.origin_seq = ?`, r.Site[:], r.Seq)
	if err != nil {
		return fmt.Errorf("record rejection of #%d: %w", r.Seq, err)
	}
	changes, err := db.scanChanges(ctx, tx, rows, nil)
	if err != nil {
		return err
	}
	if len(changes) != 1 {
		return fmt.Errorf("record rejection of #%d: not in this device's log", r.Seq)
	}
	body, err := json.Marshal(changes[0])
	if err != nil {
		return fmt.Errorf("record rejection of #%d: %w", r.Seq, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sync_rejected (origin, origin_seq, code, message, change, at, detail)
		SELECT id, ?, ?, ?, ?, ?, ? FROM sync_sites WHERE site = ?
		ON CONFLICT (origin, origin_seq) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at, detail = excluded.detail`,
		r.Seq, r.Code, r.Message, string(body), db.clock.WallMillis(), r.detail(), r.Site[:])
	if err != nil {
		return fmt.Errorf("record rejection of #%d: %w", r.Seq, err)
	}
	return nil
}

// Rejections lists up to limit changes of origin this replica refused, with
// sequence numbers above after, in sequence order.
func (db *DB) Rejections(ctx context.Context, origin SiteID, after uint64, limit int) ([]Rejection, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT r.origin_seq, r.code, r.message, r.detail FROM sync_rejected r
		WHERE r.origin = (SELECT id FROM sync_sites WHERE site = ?) AND r.origin_seq > ?
		ORDER BY r.origin_seq LIMIT ?`, origin[:], after, limit)
	if err != nil {
		return nil, fmt.Errorf("rejections: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		r := Rejection{Site: origin}
		var detail string
		if err := rows.Scan(&r.Seq, &r.Code, &r.Message, &detail); err != nil {
			return nil, fmt.Errorf("rejections: %w", err)
		}
		r.setDetail(detail)
		out = append(out, r)
	}
	return out, rows.Err()
}

// pushedSeq is how far this site's changes were acknowledged, as recorded.
func (db *DB) pushedSeq(ctx context.Context) (uint64, error) {
	var pushed int64
	if err := getMeta(ctx, db.r, metaPushed, &pushed); err != nil && !errors.Is(err, errNoMeta) {
		return 0, err
	}
	return uint64(pushed), nil
}

// RecordSync notes the time of a completed sync, at, and the server's
// time learned by it (see RecordServerTime; none when zero), in one
// transaction. It also counts the sync for the forks a status still shows
// (see LastFork). The commit is recoverable: a power cut may undo it, and
// the replica then shows the sync before.
func (db *DB) RecordSync(ctx context.Context, at, server time.Time) error {
	return db.exec(ctx, recoverable, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sync_forks SET syncs = syncs + 1 WHERE syncs < 2`); err != nil {
			return fmt.Errorf("record sync: %w", err)
		}
		if server.UnixMilli() > 0 {
			if err := recordServerTime(ctx, tx, server, at); err != nil {
				return err
			}
		}
		return setMeta(ctx, tx, metaLastSync, at.UnixMilli())
	})
}

// RecordServerTime notes the server's time learned at a sync, and this
// replica's wall clock then: a wall clock that later reads much earlier
// than that server time cannot be right (a dead clock battery). The
// commit is recoverable (see RecordSync).
func (db *DB) RecordServerTime(ctx context.Context, server, wall time.Time) error {
	return db.exec(ctx, recoverable, func(tx *sql.Tx) error { return recordServerTime(ctx, tx, server, wall) })
}

func recordServerTime(ctx context.Context, tx *sql.Tx, server, wall time.Time) error {
	if err := setMeta(ctx, tx, metaServerTime, server.UnixMilli()); err != nil {
		return err
	}
	return setMeta(ctx, tx, metaServerWall, wall.UnixMilli())
}

// ServerTime returns what RecordServerTime last noted: the server's time
// and this replica's wall clock then. Both are zero if it never noted one.
func (db *DB) ServerTime(ctx context.Context) (server, wall time.Time, err error) {
	var s, w int64
	for key, dest := range map[string]*int64{metaServerTime: &s, metaServerWall: &w} {
		if err := getMeta(ctx, db.r, key, dest); errors.Is(err, errNoMeta) {
			return time.Time{}, time.Time{}, nil
		} else if err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	return time.UnixMilli(s), time.UnixMilli(w), nil
}

// Status is what a replica knows of its own sync state.
type Status struct {
	Site      SiteID    `json:"site_id"`
	OwnSeq    uint64    `json:"own_seq"`
	Pushed    uint64    `json:"pushed_seq"`
	Pending   uint64    `json:"pending"`
	Rejected  int       `json:"rejected"`
	LastSync  time.Time `json:"last_sync"`
	LogLength uint64    `json:"log_length"`
	// Fork is the replica's latest move to a new site id, until the second
	// sync completed after it (see LastFork); nil if none.
	Fork *Fork `json:"fork,omitempty"`
}

// Status reads the replica's sync state.
func (db *DB) Status(ctx context.Context) (Status, error) {
	st := Status{Site: db.Site()}
	var err error
	if st.Fork, err = db.LastFork(ctx); err != nil {
		return st, err
	}
	if st.OwnSeq, err = db.OwnSeq(ctx); err != nil {
		return st, err
	}
	var last int64
	if st.Pushed, err = db.pushedSeq(ctx); err != nil {
		return st, err
	}
	if err := getMeta(ctx, db.r, metaLastSync, &last); err != nil && !errors.Is(err, errNoMeta) {
		return st, err
	}
	if st.OwnSeq > st.Pushed {
		st.Pending = st.OwnSeq - st.Pushed
	}
	if last > 0 {
		st.LastSync = time.UnixMilli(last)
	}
	err = db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM sync_rejected r JOIN sync_sites s ON s.id = r.origin WHERE s.site = ?),
		(SELECT coalesce(max(seq), 0) FROM sync_log)`, st.Site[:]).Scan(&st.Rejected, &st.LogLength)
	if err != nil {
		return st, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

// RejectedChange is a Rejection as a replica recorded it: with the change
// refused, and when the refusal was recorded.
type RejectedChange struct {
	Rejection
	Change json.RawMessage `json:"change"`
	At     time.Time       `json:"at"`
}

// RejectedChanges lists the refused changes this replica recorded.
func (db *DB) RejectedChanges(ctx context.Context) ([]RejectedChange, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.site, r.origin_seq, r.code, r.message, r.change, r.at, r.detail
		FROM sync_rejected r JOIN sync_sites s ON s.id = r.origin ORDER BY r.at, r.origin_seq`)
	if err != nil {
		return nil, fmt.Errorf("rejected changes: %w", err)
	}
	defer rows.Close()
	var out []RejectedChange
	for rows.Next() {
		var rc RejectedChange
		var site []byte
		var change, detail string
		var at int64
		if err := rows.Scan(&site, &rc.Seq, &rc.Code, &rc.Message, &change, &at, &detail); err != nil {
			return nil, fmt.Errorf("rejected changes: %w", err)
		}
		rc.setDetail(detail)
		copy(rc.Site[:], site)
		rc.Change = json.RawMessage(change)
		rc.At = time.UnixMilli(at)
		out = append(out, rc)
	}
	return out, rows.Err()
}

// rejectionDetail is what sync_rejected.detail keeps of a Rejection: which
// rule the change broke, when the refusing receiver said it.
type rejectionDetail struct {
	Reason string `json:"reason,omitempty"`
	Column string `json:"column,omitempty"`
	Args   []any  `json:"args,omitempty"`
}

// detail is r's Reason, Column and Args as sync_rejected keeps them: JSON,
// or "" when the receiver said none (or said what JSON cannot hold).
func (r Rejection) detail() string {
	if r.Reason == "" && r.Column == "" && len(r.Args) == 0 {
		return ""
	}
	b, err := json.Marshal(rejectionDetail{r.Reason, r.Column, r.Args})
	if err != nil {
		return ""
	}
	return string(b)
}

// setDetail fills r's Reason, Column and Args from what sync_rejected
// kept. A detail it cannot read is left out: the refusal stands without
// it, as one from a receiver that said none. Numbers in Args come back as
// float64, as JSON gives them.
func (r *Rejection) setDetail(kept string) {
	var d rejectionDetail
	if kept == "" || json.Unmarshal([]byte(kept), &d) != nil {
		return
	}
	r.Reason, r.Column, r.Args = d.Reason, d.Column, d.Args
}
