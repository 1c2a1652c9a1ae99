package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
)

// merger applies changes, inside one write transaction, to the log, the row
// and cell stores and the domain tables. Local writes and received changes
// take the same path, so they obey the same rules.
type merger struct {
	db *DB
	// ctx carries the caller's values to every statement, but not its
	// cancellation; done is the caller's context, which commit obeys.
	ctx   context.Context
	done  context.Context
	tx    *sql.Tx
	sites siteTx
	rows  map[rowKey]*rowState
	dirty map[rowKey]bool

	// The log's last entry, read by head once per transaction.
	headRead bool
	lastSeq  uint64
	chain    Hash
	// receipt, if set, is the receipt of the batch being applied; it is
	// recorded with the first change that enters the log.
	receipt  *Receipt
	batch    int64
	receipts map[int64]Hash // receipt hashes by batch, for the chain
	// known, if set, is the hash of the change apply is given next,
	// already computed.
	known *Hash

	// What the transaction knows without asking the database again: rows
	// known not to exist, and, per origin, a range of sequence numbers
	// already looked up in the log (see prefetch).
	none    map[rowKey]bool
	checked map[SiteID]*heldRange

	// Writes not yet sent to the database, sent in multi-row statements
	// by flush (see batch.go): log entries in order, the index of each by
	// (origin, sequence), and the rows and cells whose stored state must
	// be written.
	log      []logEntry
	pending  map[originSeq]int
	rowsOut  map[rowKey]bool
	cellsOut map[cellKey]int64 // the winning write's origin
	// contested are log entries of cells written more than once, to be
	// indexed (contested.go).
	contested []contestedWrite
	// newScopes are the scopes whose cells partition the transaction
	// made or found (postgres_partition.go).
	newScopes map[string]bool
}

type rowKey struct {
	table string
	id    RowID
}

// rowState is a row as the transaction sees it: its existence and the
// winning writes of those of its cells the transaction has read or
// written (see partial.go).
type rowState struct {
	scope string
	cl    uint64
	cells map[string]*version
	// whole: cells holds every cell the row has. Otherwise a column
	// missing from cells is unwritten only if known says so.
	whole bool
	known map[string]bool
	// shown is the causal length the row's domain row shows as of the
	// last flush, 0 if the transaction does not know; changed, the
	// columns whose winning write changed since.
	shown   uint64
	changed map[string]bool
}

// ErrSequenceReused is returned when a change names an (origin, sequence)
// already held with different content: the origin reused its sequence
// numbers, for example after its database was restored from a backup.
var ErrSequenceReused = errors.New("sequence number reused with different content")

// begin starts a write transaction whose commit is d. The caller holds
// db.writeMu. Another process may have written the file since this one
// last did (the officer edits while a sync runs), so the clock and this
// site's sequence are read back inside the transaction, which holds
// SQLite's write lock.
//
// Neither the transaction nor its statements watch ctx: go-sqlite3 runs
// each statement given a context that can be cancelled on a goroutine of
// its own, and a laptop's commands have such a context. That cost a
// tenth of the merge (BenchmarkApplyPush on a cancellable context: 8.4
// against 7.6 ms a batch; a bootstrap's laptop CPU 0.92 of what it was).
// A cancelled merge stops at its commit instead, and rolls back: one
// page later, tens of milliseconds.
func (db *DB) begin(ctx context.Context, d durability) (*merger, error) {
	if db.w == nil {
		return nil, errReadOnly
	}
	quiet := context.WithoutCancel(ctx)
	tx, err := db.beginWrite(ctx, quiet, d)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("begin: %w", err)
	}
	var hlc, ownSeq int64
	var site []byte
	if err := getMeta(quiet, tx, metaHLC, &hlc); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := getMeta(quiet, tx, metaOwnSeq, &ownSeq); err != nil {
		tx.Rollback()
		return nil, err
	}
	// Another process may have moved the replica to a new site id (Resite).
	if err := getMeta(quiet, tx, metaSite, &site); err != nil {
		tx.Rollback()
		return nil, err
	}
	if SiteID(site) != db.site {
		db.setSite(SiteID(site))
	}
	// The file's high-water mark is the clock's truth: it holds every
	// timestamp committed, by any process, and a clock repair in another
	// process may have lowered it (timestamps of rolled-back transactions
	// were never seen by anyone, so forgetting them is safe).
	db.clock.reset(HLC(hlc))
	db.ownSeq = uint64(ownSeq)
	return &merger{
		db: db, ctx: quiet, done: ctx, tx: tx,
		sites:    siteTx{cache: db.sites, tx: tx},
		rows:     map[rowKey]*rowState{},
		dirty:    map[rowKey]bool{},
		none:     map[rowKey]bool{},
		checked:  map[SiteID]*heldRange{},
		pending:  map[originSeq]int{},
		rowsOut:  map[rowKey]bool{},
		cellsOut: map[cellKey]int64{},
	}, nil
}

// reserve makes room for n changes to be merged: a page of 20,000 pulled
// changes grew the pending log by copying it a dozen times (6% of a
// commune's bootstrap).
func (m *merger) reserve(n int) {
	m.log = slices.Grow(m.log, n)
	if len(m.pending) == 0 {
		m.pending = make(map[originSeq]int, n)
	}
}

// row returns the state of a row, or nil if this replica has never heard of it.
func (m *merger) row(key rowKey) (*rowState, error) {
	if st, ok := m.rows[key]; ok {
		return st, nil
	}
	if m.none[key] {
		return nil, nil
	}
	st := &rowState{}
	err := m.tx.QueryRowContext(m.ctx, `SELECT scope, cl FROM sync_rows WHERE tbl = ? AND row_id = ?`,
		key.table, key.id[:]).Scan(&st.scope, &st.cl)
	if errors.Is(err, sql.ErrNoRows) {
		m.none[key] = true
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read row %s %s: %w", key.table, key.id, err)
	}
	st.stored()
	m.rows[key] = st
	return st, nil
}

// scopeOf checks c against the scope its row already has. A row's scope is
// fixed when it is created; a change that names another one is refused.
func (m *merger) scopeOf(c *Change) (*rowState, error) {
	st, err := m.row(rowKey{c.Table, c.Row})
	if err != nil {
		return nil, err
	}
	if st != nil && st.scope != c.Scope {
		// The message names neither the row's scope nor anything else of
		// it: the writer may not be allowed to see it.
		return nil, fmt.Errorf("%w: row %s %s is not a row of %q", ErrScopeMismatch, c.Table, c.Row, c.Scope)
	}
	return st, nil
}

// ErrScopeMismatch is returned for a change whose scope is not its row's.
var ErrScopeMismatch = errors.New("scope mismatch")

// apply merges one change. It reports false, and changes nothing, if the
// change was already held.
func (m *merger) apply(c *Change) (bool, error) {
	st, err := m.scopeOf(c)
	if err != nil {
		return false, err
	}
	if err := checkBounds(c); err != nil {
		return false, err
	}
	origin, err := m.sites.id(m.ctx, c.Site)
	if err != nil {
		return false, err
	}
	held, err := m.isHeld(c, origin)
	if err != nil {
		return false, err
	}
	if held {
		m.known = nil
		return false, m.checkHeld(c, origin)
	}
	prev, chain, err := m.head()
	if err != nil {
		return false, err
	}
	seq := prev + 1
	batch, receipt, err := m.batchOf()
	if err != nil {
		return false, err
	}
	h := m.known
	m.known = nil
	if h == nil {
		sum := c.Hash()
		h = &sum
	}
	chain = EntryHash(chain, seq, *h, receipt)
	m.pending[originSeq{origin, c.Seq}] = len(m.log)
	m.log = append(m.log, logEntry{seq: seq, chain: chain, batch: batch, origin: origin, c: *c})
	m.lastSeq, m.chain = seq, chain
	m.db.clock.Observe(c.HLC)
	key := rowKey{c.Table, c.Row}
	if err := m.mergeRow(key, st, c); err != nil {
		return false, err
	}
	if !c.IsExists() {
		if err := m.mergeCell(key, m.rows[key], c, origin, seq); err != nil {
			return false, err
		}
	}
	return true, nil
}

// batchOf returns the batch the change being applied enters the log
// under (nil for none) and the hash of its receipt, recording the receipt
// the first time.
func (m *merger) batchOf() (any, Hash, error) {
	if m.receipt == nil {
		return nil, Hash{}, nil
	}
	if m.batch == 0 {
		r := m.receipt
		changes := make([]byte, 0, len(r.Changes)*len(Hash{}))
		for _, h := range r.Changes {
			changes = append(changes, h[:]...)
		}
		err := m.tx.QueryRowContext(m.ctx, `INSERT INTO sync_batches (device, officer, received, signature, changes)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, r.Device[:], r.Officer, r.Received, r.Signature, changes).Scan(&m.batch)
		if err != nil {
			return nil, Hash{}, fmt.Errorf("record batch receipt: %w", err)
		}
		r.Batch = uint64(m.batch)
		if m.receipts == nil {
			m.receipts = map[int64]Hash{}
		}
		m.receipts[m.batch] = r.Hash()
	}
	h, err := m.entryReceipt(m.batch)
	return m.batch, h, err
}

// ErrBadChange is returned for a change whose numbers no replica could
// have written: a zero sequence or causal length, or a number beyond what
// SQLite stores.
var ErrBadChange = errors.New("malformed change")

func checkBounds(c *Change) error {
	const max = math.MaxInt64
	if c.Seq == 0 || c.CL == 0 || c.Seq > max || c.CL > max || uint64(c.HLC) > max || uint64(c.Base) > max {
		return fmt.Errorf("%w: %s #%d: sequence and causal length must be from 1 to %d, HLCs at most %d", ErrBadChange, c.Site, c.Seq, max, max)
	}
	return nil
}

// mergeRow raises the row's causal length to the change's.
func (m *merger) mergeRow(key rowKey, st *rowState, c *Change) error {
	switch {
	case st == nil:
		m.rows[key] = &rowState{scope: c.Scope, cl: c.CL, cells: map[string]*version{}, whole: true}
		delete(m.none, key)
	case c.CL > st.cl:
		st.cl = c.CL
	default:
		return nil
	}
	m.rowsOut[key] = true
	m.dirty[key] = true
	return nil
}

// mergeCell keeps the change, logged as entry seq, if it beats the cell's
// winning write. A cell written before is contested (contested.go).
func (m *merger) mergeCell(key rowKey, st *rowState, c *Change, origin int64, seq uint64) error {
	cur, err := m.cell(key, st, c.Column)
	if err != nil {
		return err
	}
	v := c.version()
	v.seq = seq
	if cur != nil {
		m.contest(cellKey{key, c.Column}, st.scope, cur.seq, seq)
	}
	if cur != nil && !v.beats(*cur) {
		return nil
	}
	m.setCell(key, st, c.Column, &v, origin)
	return nil
}

// checkHeld confirms that a change whose (origin, sequence) this replica
// already holds, in its log or recorded as refused, is that same change.
func (m *merger) checkHeld(c *Change, origin int64) error {
	if i, ok := m.pending[originSeq{origin, c.Seq}]; ok {
		return sameChange(c, &m.log[i].c)
	}
	var held Change
	var row []byte
	var val any
	err := m.tx.QueryRowContext(m.ctx, `SELECT tbl, row_id, col, val, hlc, base, cl, scope FROM sync_log WHERE origin = ? AND origin_seq = ?`,
		origin, c.Seq).Scan(&held.Table, &row, &held.Column, &val, &held.HLC, &held.Base, &held.CL, &held.Scope)
	if errors.Is(err, sql.ErrNoRows) {
		return m.checkRefused(c, origin)
	}
	if err != nil {
		return fmt.Errorf("read logged change: %w", err)
	}
	copy(held.Row[:], row)
	if held.Value, err = ValueOf(val); err != nil {
		return fmt.Errorf("read logged change: %w", err)
	}
	return sameChange(c, &held)
}

// checkRefused compares a change with the refused one recorded under its
// (origin, sequence), if any.
func (m *merger) checkRefused(c *Change, origin int64) error {
	var body string
	err := m.tx.QueryRowContext(m.ctx, `SELECT change FROM sync_rejected WHERE origin = ? AND origin_seq = ?`,
		origin, c.Seq).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // held by the version vector alone: nothing to compare
	}
	if err != nil {
		return fmt.Errorf("read refused change: %w", err)
	}
	var held Change
	if err := unmarshalJSON(body, &held); err != nil {
		return fmt.Errorf("read refused change: %w", err)
	}
	return sameChange(c, &held)
}

func sameChange(c, held *Change) error {
	if held.Table != c.Table || held.Row != c.Row || held.Column != c.Column || held.HLC != c.HLC ||
		held.Base != c.Base || held.CL != c.CL || held.Scope != c.Scope || !held.Value.Equal(c.Value) {
		return fmt.Errorf("%w: %s #%d", ErrSequenceReused, c.Site, c.Seq)
	}
	return nil
}

// flush writes what the transaction has merged since the last flush —
// log entries, row and cell stores — and projects every row touched into
// its domain table.
func (m *merger) flush() error {
	if err := m.writeLog(); err != nil {
		return err
	}
	if err := m.writeRows(); err != nil {
		return err
	}
	if err := m.writeCells(); err != nil {
		return err
	}
	if err := m.writeContested(); err != nil {
		return err
	}
	byTable := map[string]*projection{}
	for _, key := range sortedKeys(m.dirty, compareRowKeys) {
		t, ok := m.db.tables[key.table]
		if !ok {
			continue // a table this replica's schema does not know yet
		}
		p := byTable[key.table]
		if p == nil {
			p = &projection{t: t}
			byTable[key.table] = p
		}
		if err := m.projectRow(p, key, m.rows[key]); err != nil {
			return err
		}
	}
	for _, t := range m.db.order {
		if p := byTable[t.Name]; p != nil {
			if err := p.write(m.ctx, m.tx); err != nil {
				return err
			}
			if err := m.writeEdits(p); err != nil {
				return err
			}
		}
	}
	clear(m.dirty)
	return nil
}

// commit flushes, records the clock and commits. The transaction is
// durable when it returns, unless it began recoverable.
func (m *merger) commit() error {
	if err := m.done.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := m.flush(); err != nil {
		return err
	}
	if err := setMeta(m.ctx, m.tx, metaHLC, int64(m.db.clock.Last())); err != nil {
		return err
	}
	if err := m.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	m.sites.committed()
	m.db.scopes.add(m.newScopes)
	return nil
}

func (m *merger) rollback() { m.tx.Rollback() }
