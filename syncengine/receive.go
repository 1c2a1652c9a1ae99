package syncengine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Vetter decides whether a receiver accepts a change, before it is merged.
// It returns nil, nil to accept; the change's Rejection to refuse it (its
// Code and Message; the receiver fills in Site and Seq); or an error if it
// could not decide, such as a row it could not read. A Rejection is for
// good, so an error must never become one: the receiver refuses the whole
// batch with the error, keeps nothing of it, and the sender sends it again
// at its next sync. A Vetter runs inside the batch's transaction, after the
// engine's own checks; rows tells it the state of rows as the batch has
// left them so far.
type Vetter func(c *Change, rows RowReader) (*Rejection, error)

// RowReader reads rows' existence inside a transaction.
type RowReader interface {
	// Row reports a row's scope and whether it is alive; a row never heard
	// of is reported with an empty scope.
	Row(table string, id RowID) (scope string, alive bool, err error)
	// Cell reports the HLC and the causal length of a cell's winning
	// write, zeros if it was never written (see StampAhead).
	Cell(table string, id RowID, column string) (hlc HLC, cl uint64, err error)
}

// ErrSequenceGap is returned for a batch that skips sequence numbers of an
// origin: the receiver holds every change of an origin up to its version, and
// must never hold a later one without those before it.
var ErrSequenceGap = errors.New("sequence gap")

// PushResult is what ApplyReceivedGroup did with one batch.
type PushResult struct {
	Applied    int
	Duplicates int
	Rejected   []Rejection
}

type mergerRows struct{ m *merger }

func (r mergerRows) Row(table string, id RowID) (string, bool, error) {
	st, err := r.m.row(rowKey{table, id})
	if err != nil || st == nil {
		return "", false, err
	}
	return st.scope, Alive(st.cl), nil
}

// Received is one batch a server received, for ApplyReceivedGroup, with
// the receipt the server signed for it (nil for none).
type Received struct {
	Changes []Change
	Vet     Vetter
	Receipt *Receipt
}

// GroupResult is what ApplyReceivedGroup did with one batch: its result,
// or the error that refused it.
type GroupResult struct {
	Result PushResult
	Err    error
}

// ApplyReceivedGroup applies several received batches, in order, in one
// transaction with one commit (group commit): a server receiving many
// pushes at once makes them durable with one fsync instead of one each.
//
// Each batch is merged and advances the version vector. For each origin
// the batch must continue the changes held: changes at or below the
// origin's version are duplicates and skipped (or, if they differ from the
// change held under their number, the batch is refused with
// ErrSequenceReused); the first new one must be the next in sequence, and
// the rest must follow without a gap, or the whole batch is refused with
// ErrSequenceGap. A change the batch's Vetter refuses, or whose scope is
// not its row's, is recorded as rejected and not applied; if the Vetter,
// or reading what it needs, fails, the whole batch is refused with the
// error. A batch's receipt is recorded, and the chain hash of each entry
// the batch adds to the log covers it (see EntryHash); the receipt's Batch
// is set to the batch's number if any change entered the log. The caller
// has checked the receipt's signature.
//
// Each batch sees what the batches before it applied. A batch refused with an error leaves nothing of itself: the
// transaction is rolled back and the group applied again without it, so
// the others end as if it had never come. Results are returned only once
// the transaction is committed; if committing fails, every batch of the
// group gets the error.
func (db *DB) ApplyReceivedGroup(ctx context.Context, batches []Received) []GroupResult {
	results := make([]GroupResult, len(batches))
	todo := make([]int, len(batches))
	for i := range todo {
		todo[i] = i
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	for len(todo) > 0 {
		failed, err := db.applyGroup(ctx, batches, todo, results)
		if failed < 0 {
			for _, i := range todo {
				results[i].Err = err
			}
			return results
		}
		// The failed batch keeps its error; the rest are applied again,
		// and their receipts numbered again, without it.
		for _, i := range todo {
			if r := batches[i].Receipt; r != nil {
				r.Batch = 0
			}
		}
		results[todo[failed]] = GroupResult{Err: err}
		todo = append(todo[:failed], todo[failed+1:]...)
	}
	return results
}

// applyGroup applies the batches todo names in one transaction and
// commits it, setting their results. If one of them fails, it rolls back
// and returns its position in todo with its error; otherwise it returns
// -1 and the error of the transaction itself (nil once committed).
func (db *DB) applyGroup(ctx context.Context, batches []Received, todo []int, results []GroupResult) (int, error) {
	m, err := db.begin(ctx, durable)
	if err != nil {
		return -1, err
	}
	defer m.rollback()
	n := 0
	for _, i := range todo {
		n += len(batches[i].Changes)
	}
	m.reserve(n)
	for k, i := range todo {
		b := batches[i]
		res, err := m.receive(b.Changes, b.Vet, b.Receipt)
		if err != nil {
			return k, err
		}
		results[i] = GroupResult{Result: res}
	}
	return -1, m.commit()
}

// receive merges one received batch into the transaction (see
// ApplyReceivedGroup) and advances the version vector.
func (m *merger) receive(batch []Change, vet Vetter, receipt *Receipt) (PushResult, error) {
	m.receipt, m.batch, m.known = receipt, 0, nil
	defer func() { m.receipt, m.batch = nil, 0 }()
	if err := m.prefetch(batch); err != nil {
		return PushResult{}, err
	}
	var res PushResult
	held := map[SiteID]uint64{}
	for i := range batch {
		c := &batch[i]
		if err := checkBounds(c); err != nil {
			return PushResult{}, err
		}
		next, err := m.versionOf(c.Site, held)
		if err != nil {
			return PushResult{}, err
		}
		if c.Seq < next {
			rej, err := m.checkDuplicate(c)
			if err != nil {
				return PushResult{}, err
			}
			if rej != nil {
				// Refused when it first came: say so again, for the answer
				// to that push may never have reached the pusher, which
				// takes this answer as the word on every change it sent.
				res.Rejected = append(res.Rejected, *rej)
			}
			res.Duplicates++
			continue
		}
		if c.Seq > next {
			return PushResult{}, fmt.Errorf("%w: site %s: holding up to #%d, the batch brings #%d", ErrSequenceGap, c.Site, next-1, c.Seq)
		}
		held[c.Site] = c.Seq
		rej, err := m.vet(c, vet)
		if err != nil {
			return PushResult{}, err
		}
		if rej != nil {
			rej.Site, rej.Seq = c.Site, c.Seq
			if err := m.reject(c, rej); err != nil {
				return PushResult{}, err
			}
			res.Rejected = append(res.Rejected, *rej)
			continue
		}
		if receipt != nil && len(receipt.Changes) == len(batch) {
			m.known = &receipt.Changes[i] // hashed once, when the signature was checked
		}
		applied, err := m.apply(c)
		if err != nil {
			return PushResult{}, err
		}
		if applied {
			res.Applied++
		} else {
			res.Duplicates++
		}
	}
	if err := m.saveVersions(held); err != nil {
		return PushResult{}, err
	}
	return res, nil
}

// checkDuplicate confirms that a change the receiver already holds is the
// same change, and not a new one under a reused sequence number. If the
// receiver refused it, checkDuplicate returns the refusal as recorded.
func (m *merger) checkDuplicate(c *Change) (*Rejection, error) {
	origin, err := m.sites.id(m.ctx, c.Site)
	if err != nil {
		return nil, err
	}
	if err := m.checkHeld(c, origin); err != nil {
		return nil, err
	}
	r := Rejection{Site: c.Site, Seq: c.Seq}
	var detail string
	err = m.tx.QueryRowContext(m.ctx, `SELECT code, message, detail FROM sync_rejected r WHERE origin = ? AND origin_seq = ?
		AND NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.origin = r.origin AND l.origin_seq = r.origin_seq)`,
		origin, c.Seq).Scan(&r.Code, &r.Message, &detail)
	r.setDetail(detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read refusal of #%d: %w", c.Seq, err)
	}
	return &r, nil
}

// versionOf returns the next sequence number expected from site.
func (m *merger) versionOf(site SiteID, held map[SiteID]uint64) (uint64, error) {
	if seq, ok := held[site]; ok {
		return seq + 1, nil
	}
	var seq uint64
	err := m.tx.QueryRowContext(m.ctx, `SELECT v.seq FROM sync_versions v JOIN sync_sites s ON s.id = v.origin WHERE s.site = ?`,
		site[:]).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read version of %s: %w", site, err)
	}
	held[site] = seq
	return seq + 1, nil
}

func (m *merger) saveVersions(held map[SiteID]uint64) error {
	for site, seq := range held {
		id, err := m.sites.id(m.ctx, site)
		if err != nil {
			return err
		}
		_, err = m.tx.ExecContext(m.ctx, `INSERT INTO sync_versions (origin, seq) VALUES (?, ?)
			ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > sync_versions.seq`, id, seq)
		if err != nil {
			return fmt.Errorf("save version of %s: %w", site, err)
		}
	}
	return nil
}

// vet runs the engine's own checks, then the receiver's: it returns c's
// Rejection if c is refused, or an error if c could not be vetted.
func (m *merger) vet(c *Change, vet Vetter) (*Rejection, error) {
	if _, err := m.scopeOf(c); err != nil {
		e := ErrorOf(err)
		if e == nil {
			return nil, fmt.Errorf("vet %s #%d: %w", c.Site, c.Seq, err)
		}
		return &Rejection{Code: e.Code, Message: e.Message}, nil
	}
	if vet == nil {
		return nil, nil
	}
	rej, err := vet(c, mergerRows{m})
	if err != nil {
		return nil, fmt.Errorf("vet %s #%d: %w", c.Site, c.Seq, err)
	}
	return rej, nil
}

// reject records a refused change, with the change itself, so that the
// refusal is never silent and its sequence number counts as held.
func (m *merger) reject(c *Change, rej *Rejection) error {
	origin, err := m.sites.id(m.ctx, c.Site)
	if err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode rejected change: %w", err)
	}
	_, err = m.tx.ExecContext(m.ctx, `INSERT INTO sync_rejected (origin, origin_seq, code, message, change, at, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		origin, c.Seq, rej.Code, rej.Message, string(body), m.db.clock.WallMillis(), rej.detail())
	if err != nil {
		return fmt.Errorf("record rejection: %w", err)
	}
	return nil
}
