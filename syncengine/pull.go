package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// PullQuery asks for a page of the log after a cursor.
type PullQuery struct {
	Incarnation string   // the incarnation the cursor was read under; "" for none
	After       Cursor   // where the caller stopped
	Scopes      []string // only changes of rows in these scopes
	Exclude     SiteID   // not the changes this site wrote (the caller's own)
	Limit       int
}

// PullPage is one page of the log.
type PullPage struct {
	Reset   bool // the cursor did not match; the page starts from the beginning
	Changes []Change
	Next    Cursor // the cursor to ask from next time
	More    bool   // ask again at once: the page was full
}

// ReadPull reads the changes after q.After in the scopes asked, in log
// order, from one consistent snapshot. When the page is not full, Next is
// the head of the log, so that entries outside the caller's scopes are not
// scanned again.
func (db *DB) ReadPull(ctx context.Context, q PullQuery) (PullPage, error) {
	if q.Limit <= 0 {
		return PullPage{}, fmt.Errorf("pull: limit must be positive")
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return PullPage{}, fmt.Errorf("pull: %w", err)
	}
	defer tx.Rollback()
	var page PullPage
	after := q.After
	ok, err := after.matches(ctx, tx)
	if err != nil {
		return PullPage{}, err
	}
	if !ok || (q.Incarnation != "" && q.Incarnation != db.incarnation) {
		page.Reset, after = true, Cursor{}
	}
	exclude := int64(-1)
	if id, err := siteIDIfKnown(ctx, tx, q.Exclude); err != nil {
		return PullPage{}, err
	} else if id != 0 {
		exclude = id
	}
	var seqs []uint64
	for _, scope := range q.Scopes {
		if err := db.readScope(ctx, tx, scope, after.Seq, exclude, q.Limit, &page.Changes, &seqs); err != nil {
			return PullPage{}, err
		}
	}
	sortBySeq(page.Changes, seqs)
	next := uint64(0)
	if len(page.Changes) > q.Limit {
		page.Changes, seqs = page.Changes[:q.Limit], seqs[:q.Limit]
	}
	if len(page.Changes) == q.Limit {
		next, page.More = seqs[len(seqs)-1], true
	} else if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM sync_log`).Scan(&next); err != nil {
		return PullPage{}, fmt.Errorf("pull: log head: %w", err)
	}
	if page.Next, err = cursorAt(ctx, tx, next); err != nil {
		return PullPage{}, err
	}
	return page, nil
}

func (db *DB) readScope(ctx context.Context, tx *sql.Tx, scope string, after uint64, exclude int64, limit int, out *[]Change, seqs *[]uint64) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE scope = ? AND seq > ? AND origin != ? ORDER BY seq LIMIT ?`, scope, after, exclude, limit)
	if err != nil {
		return fmt.Errorf("pull %s: %w", scope, err)
	}
	changes, err := db.scanChanges(ctx, tx, rows, seqs)
	if err != nil {
		return err
	}
	*out = append(*out, changes...)
	return nil
}

// sortBySeq sorts changes and their sequence numbers together.
func sortBySeq(changes []Change, seqs []uint64) {
	sort.Sort(bySeq{changes, seqs})
}

type bySeq struct {
	c []Change
	s []uint64
}

func (b bySeq) Len() int           { return len(b.s) }
func (b bySeq) Less(i, j int) bool { return b.s[i] < b.s[j] }
func (b bySeq) Swap(i, j int) {
	b.c[i], b.c[j] = b.c[j], b.c[i]
	b.s[i], b.s[j] = b.s[j], b.s[i]
}

func siteIDIfKnown(ctx context.Context, q querier, site SiteID) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM sync_sites WHERE site = ?`, site[:]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("site %s: %w", site, err)
	}
	return id, nil
}

// Keys of sync_meta for the client side of pull.
const (
	metaPullIncarnation = "pull_incarnation"
	metaPullCursor      = "pull_cursor"
)

// ApplyPulled merges a page of changes pulled from a server and records the
// server's incarnation and cursor, in one transaction, so that an
// interrupted pull resumes exactly where it stopped. The commit is
// recoverable: a power cut may undo it, page and cursor together, and the
// next pull brings the page again.
func (db *DB) ApplyPulled(ctx context.Context, changes []Change, incarnation string, next Cursor) (applied int, err error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	m, err := db.begin(ctx, recoverable)
	if err != nil {
		return 0, err
	}
	defer m.rollback()
	m.reserve(len(changes))
	if err := m.prefetch(changes); err != nil {
		return 0, err
	}
	for i := range changes {
		if err := m.checkPulled(&changes[i]); err != nil {
			return 0, fmt.Errorf("pulled change %d: %w", i, err)
		}
		ok, err := m.apply(&changes[i])
		if err != nil {
			return 0, fmt.Errorf("pulled change %d: %w", i, err)
		}
		if ok {
			applied++
		}
	}
	if err := setMeta(ctx, m.tx, metaPullIncarnation, incarnation); err != nil {
		return 0, err
	}
	if err := setMeta(ctx, m.tx, metaPullCursor, mustJSON(next)); err != nil {
		return 0, err
	}
	return applied, m.commit()
}

// maxPulledHLC bounds the stamps a replica takes from its server (about
// the year 4200), so that a broken or hostile server cannot raise its clock
// to where it can no longer stamp its own writes.
const maxPulledHLC = HLC(1) << 62

// checkPulled refuses a pulled change no honest server sends: out of
// bounds, stamped beyond any clock, or one of this replica's own changes
// that it never wrote (which would make its next writes reuse sequence
// numbers).
func (m *merger) checkPulled(c *Change) error {
	if err := checkBounds(c); err != nil {
		return err
	}
	if c.HLC >= maxPulledHLC || c.Base >= maxPulledHLC {
		return fmt.Errorf("%w: %s #%d is stamped %d, beyond any clock", ErrBadChange, c.Site, c.Seq, c.HLC)
	}
	if c.Site == m.db.site && c.Seq > m.db.ownSeq {
		return fmt.Errorf("%w: the server sent change #%d of this replica, which has written only %d", ErrBadChange, c.Seq, m.db.ownSeq)
	}
	return nil
}

// PullCursor returns the server incarnation and cursor of the last pull.
func (db *DB) PullCursor(ctx context.Context) (string, Cursor, error) {
	var inc, raw string
	err := getMeta(ctx, db.r, metaPullIncarnation, &inc)
	if errors.Is(err, errNoMeta) {
		return "", Cursor{}, nil
	}
	if err != nil {
		return "", Cursor{}, err
	}
	if err := getMeta(ctx, db.r, metaPullCursor, &raw); err != nil {
		return "", Cursor{}, err
	}
	var cur Cursor
	if err := unmarshalJSON(raw, &cur); err != nil {
		return "", Cursor{}, fmt.Errorf("pull cursor: %w", err)
	}
	return inc, cur, nil
}
