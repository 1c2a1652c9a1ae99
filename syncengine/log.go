package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Versions returns the version vector entries for sites: for each, the
// highest sequence up to which this replica holds every change. A site never
// heard of has version 0.
func (db *DB) Versions(ctx context.Context, sites ...SiteID) (map[SiteID]uint64, error) {
	out := make(map[SiteID]uint64, len(sites))
	for _, site := range sites {
		var seq uint64
		err := db.r.QueryRowContext(ctx, `SELECT v.seq FROM sync_versions v JOIN sync_sites s ON s.id = v.origin WHERE s.site = ?`,
			site[:]).Scan(&seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read version of %s: %w", site, err)
		}
		out[site] = seq
	}
	return out, nil
}

// OwnSeq is the last sequence number this site has issued, as committed to
// the database (by this process or another one on the same file).
func (db *DB) OwnSeq(ctx context.Context) (uint64, error) {
	var seq int64
	if err := getMeta(ctx, db.r, metaOwnSeq, &seq); err != nil {
		return 0, err
	}
	return uint64(seq), nil
}

// Pending returns up to limit changes of origin from the log with sequence
// numbers above after, in sequence order.
func (db *DB) Pending(ctx context.Context, origin SiteID, after uint64, limit int) ([]Change, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE origin = (SELECT id FROM sync_sites WHERE site = ?) AND origin_seq > ?
		ORDER BY origin_seq LIMIT ?`, origin[:], after, limit)
	if err != nil {
		return nil, fmt.Errorf("read pending changes: %w", err)
	}
	return db.scanChanges(ctx, db.r, rows, nil)
}

// logColumns are the columns scanLogRow reads, in order.
const logColumns = `l.seq, l.origin, l.origin_seq, l.tbl, l.row_id, l.col, l.val, l.hlc, l.base, l.cl, l.scope`

// scanLogRow reads the current row of a query for logColumns, then extra:
// the entry's local sequence number, its origin's interned number, and its
// change (all but the site, which the caller resolves from origin).
func scanLogRow(rows *sql.Rows, seq *uint64, origin *int64, c *Change, extra ...any) error {
	var row []byte
	var val any
	dest := append([]any{seq, origin, &c.Seq, &c.Table, &row, &c.Column, &val, &c.HLC, &c.Base, &c.CL, &c.Scope}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return fmt.Errorf("read log: %w", err)
	}
	var err error
	if c.Value, err = ValueOf(val); err != nil {
		return fmt.Errorf("read log #%d: %w", *seq, err)
	}
	copy(c.Row[:], row)
	return nil
}

// scanChanges reads log rows into changes, and their local sequence numbers
// into seqs if it is not nil. It closes rows, and only then resolves sites
// through q: the connection rows hold is never waited for by a second one
// from the same pool.
func (db *DB) scanChanges(ctx context.Context, q querier, rows *sql.Rows, seqs *[]uint64) ([]Change, error) {
	return scanChangesWith(ctx, q, db.sites, rows, seqs)
}

// scanChangesWith is scanChanges with the site cache given.
func scanChangesWith(ctx context.Context, q querier, sites *siteCache, rows *sql.Rows, seqs *[]uint64) ([]Change, error) {
	defer rows.Close()
	var out []Change
	var origins []int64
	for rows.Next() {
		var c Change
		var seq uint64
		var origin int64
		if err := scanLogRow(rows, &seq, &origin, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
		origins = append(origins, origin)
		if seqs != nil {
			*seqs = append(*seqs, seq)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	rows.Close()
	for i := range out {
		var err error
		if out[i].Site, err = lookupSite(ctx, q, sites, origins[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReadLog returns up to limit log entries after local sequence after, in log
// order, with their local sequence numbers.
func (db *DB) ReadLog(ctx context.Context, after uint64, limit int) ([]Change, []uint64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("read log: %w", err)
	}
	var seqs []uint64
	changes, err := db.scanChanges(ctx, db.r, rows, &seqs)
	return changes, seqs, err
}
