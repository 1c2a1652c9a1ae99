package syncengine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
)

// BuildSnapshot writes a snapshot of the scopes' merged state to a new
// file at path (replacing it atomically, created readable by its owner
// only), as a replica that pulled every change of those scopes from this
// one, in this one's log order, would hold it: the log entries of those
// scopes renumbered from 1 and rechained as pulled entries (no receipt),
// their rows, cells and domain rows, and the sites they name. Everything is
// read in one read transaction, so the snapshot is the state at one
// instant, and its cursor is this log's head at that instant.
//
// The copying happens inside SQLite; only the chain hashes pass through Go,
// a page at a time, so memory stays bounded whatever the log's size.
// Writers are not held up.
func (db *DB) BuildSnapshot(ctx context.Context, scopes []string, path string) (SnapshotInfo, error) {
	scopes, err := normalScopes(scopes)
	if err != nil {
		return SnapshotInfo{}, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".build-*")
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // a no-op once renamed
	info, err := db.buildInto(ctx, scopes, tmp)
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	return info, nil
}

// buildInto fills the empty SQLite file at path with the snapshot. The
// file has no journal: a failure leaves it half written, and the caller
// removes it.
func (db *DB) buildInto(ctx context.Context, scopes []string, path string) (SnapshotInfo, error) {
	if db.dialect.postgres() {
		return db.buildFromPostgres(ctx, scopes, path)
	}
	out, tx, err := db.openBeside(ctx, path)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer out.Close()
	defer tx.Rollback()
	b := &builder{db: db, ctx: ctx, tx: tx, scopes: scopes, info: SnapshotInfo{Format: SnapshotFormat, Incarnation: db.incarnation, Scopes: scopes}}
	for _, step := range []func() error{b.head, b.tables, b.chain, b.fill, b.indexes, b.meta} {
		if err := step(); err != nil {
			return SnapshotInfo{}, err
		}
	}
	if err := tx.Commit(); err != nil {
		return SnapshotInfo{}, err
	}
	if _, err := out.ExecContext(ctx, `DETACH src`); err != nil {
		return SnapshotInfo{}, fmt.Errorf("detach database: %w", err)
	}
	return b.info, out.Close()
}

// openBeside opens the SQLite file at path with no journal (a failure
// leaves it half written: the caller removes it), attaches this replica
// read-only as src, and begins a transaction on it, whose first read of
// src fixes the instant everything after it sees.
func (db *DB) openBeside(ctx context.Context, path string) (*sql.DB, *sql.Tx, error) {
	if db.dialect.postgres() {
		return nil, nil, fmt.Errorf("a state as of an instant: %w", errNotPostgres)
	}
	out, err := sql.Open("sqlite3", fileURI(path, "")+"?_journal_mode=OFF&_synchronous=OFF&_busy_timeout=10000")
	if err != nil {
		return nil, nil, err
	}
	out.SetMaxOpenConns(1)
	if _, err := out.ExecContext(ctx, `ATTACH ? AS src`, fileURI(db.path, "mode=ro")); err != nil {
		out.Close()
		return nil, nil, fmt.Errorf("attach database: %w", err)
	}
	tx, err := out.BeginTx(ctx, nil) // deferred: a read transaction on src
	if err != nil {
		out.Close()
		return nil, nil, err
	}
	return out, tx, nil
}

// builder writes one snapshot, in one transaction of a connection whose
// main database is the snapshot and which has this replica attached as src.
type builder struct {
	db      *DB
	ctx     context.Context
	tx      *sql.Tx
	scopes  []string
	info    SnapshotInfo
	objects []schemaObject // of src, for the tables the snapshot holds
	// lastChain is the chain hash of the last log entry rechained.
	lastChain Hash
}

// inScopes is the SQL condition "col is one of the snapshot's scopes", and
// its arguments.
func (b *builder) inScopes(col string) (string, []any) {
	return col + ` IN (` + placeholders(len(b.scopes)) + `)`, anys(b.scopes)
}

// head reads the log's head, which also starts the read transaction:
// everything after sees the log as it was then.
func (b *builder) head() error { return b.readHead(b.tx, "src.") }

// readHead reads the head of the log prefix names (src., or none) through
// q into the snapshot's cursor.
func (b *builder) readHead(q querier, prefix string) error {
	var seq uint64
	var chain []byte
	err := q.QueryRowContext(b.ctx, `SELECT seq, chain FROM `+prefix+`sync_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read log head: %w", err)
	}
	b.info.Cursor = Cursor{Seq: seq, Chain: hex.EncodeToString(chain)}
	return nil
}

// tables creates the snapshot's tables as this replica's DDL has them; their
// indexes come after they are filled, which is faster.
func (b *builder) tables() error {
	objects, err := schemaOf(b.ctx, b.tx, "src", b.db.snapshotTables())
	if err != nil {
		return err
	}
	if err := b.createTables(objects); err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `CREATE TEMP TABLE snapshot_chain (seq INTEGER PRIMARY KEY, src_seq INTEGER NOT NULL UNIQUE, chain BLOB NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create snapshot_chain: %w", err)
	}
	return nil
}

// createTables creates the tables among objects, and snapshot_meta, and
// keeps objects for indexes.
func (b *builder) createTables(objects []schemaObject) error {
	b.objects = objects
	for _, o := range b.objects {
		if o.Type != "table" {
			continue
		}
		if _, err := b.tx.ExecContext(b.ctx, o.SQL); err != nil {
			return fmt.Errorf("create %s: %w", o.Name, err)
		}
	}
	_, err := b.tx.ExecContext(b.ctx, `CREATE TABLE `+snapshotMetaTable+` (key TEXT PRIMARY KEY, value ANY) STRICT, WITHOUT ROWID`)
	if err != nil {
		return fmt.Errorf("create %s: %w", snapshotMetaTable, err)
	}
	return nil
}

// indexes creates the indexes (and any triggers) of the snapshot's tables.
func (b *builder) indexes() error {
	for _, o := range b.objects {
		if o.Type == "table" || o.SQL == "" {
			continue // an automatic index comes with its table
		}
		if _, err := b.tx.ExecContext(b.ctx, o.SQL); err != nil {
			return fmt.Errorf("create %s: %w", o.Name, err)
		}
	}
	return nil
}

// chainPage is how many chain hashes go into one INSERT.
const chainPage = 500

// chain computes, in log order, the chain hash each log entry of the
// scopes gets on a replica that pulls them in that order, and records it
// with the entry's new sequence number in temp.snapshot_chain.
func (b *builder) chain() error {
	sites, err := srcSites(b.ctx, b.tx)
	if err != nil {
		return err
	}
	page := make([]any, 0, 3*chainPage)
	site := func(id int64) (SiteID, bool) { s, ok := sites[id]; return s, ok }
	err = b.eachRechained(b.tx, "src.", site, func(e *logEntry, srcSeq uint64) error {
		page = append(page, e.seq, srcSeq, e.chain[:])
		if len(page) == cap(page) {
			page, err = b.flushChain(page)
		}
		return err
	})
	if err != nil {
		return err
	}
	_, err = b.flushChain(page)
	return err
}

// eachRechained reads the scopes' entries of the log prefix names (src.,
// or none) through q, in log order, and calls fn with each as the entry a
// replica that pulls them in that order logs: numbered from 1, with its
// chain hash, and its sequence number in the log read. site resolves
// interned sites.
func (b *builder) eachRechained(q querier, prefix string, site func(int64) (SiteID, bool), fn func(e *logEntry, srcSeq uint64) error) error {
	cond, args := b.inScopes("scope")
	rows, err := q.QueryContext(b.ctx, `SELECT `+logColumns+` FROM `+prefix+`sync_log l WHERE `+cond+` ORDER BY seq`, args...)
	if err != nil {
		return fmt.Errorf("read log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e logEntry
		var srcSeq uint64
		if err := scanLogRow(rows, &srcSeq, &e.origin, &e.c); err != nil {
			return err
		}
		var ok bool
		if e.c.Site, ok = site(e.origin); !ok {
			return fmt.Errorf("read log #%d: unknown site %d", srcSeq, e.origin)
		}
		b.info.Changes++
		e.seq = uint64(b.info.Changes)
		e.chain = EntryHash(b.lastChain, e.seq, e.c.Hash(), Hash{})
		b.lastChain = e.chain
		if err := fn(&e, srcSeq); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read log: %w", err)
	}
	return nil
}

// flushChain inserts a page of (seq, src_seq, chain) triples and returns
// the page emptied.
func (b *builder) flushChain(page []any) ([]any, error) {
	if len(page) == 0 {
		return page, nil
	}
	q := multiRow(`INSERT INTO temp.snapshot_chain (seq, src_seq, chain) VALUES `, 3, len(page)/3, "")
	if _, err := b.tx.ExecContext(b.ctx, q, page...); err != nil {
		return nil, fmt.Errorf("record chain: %w", err)
	}
	return page[:0], nil
}

// srcSites reads every site of src. Sites are few: one per replica that
// ever wrote.
func srcSites(ctx context.Context, tx *sql.Tx) (map[int64]SiteID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, site FROM src.sync_sites`)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	out := map[int64]SiteID{}
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		site, err := uuid.FromBytes(b)
		if err != nil {
			return nil, fmt.Errorf("read site %d: %w", id, err)
		}
		out[id] = site
	}
	return out, rows.Err()
}

// fill copies the log (with its new numbers and chain), the rows of the
// scopes, their cells and domain rows, the index of their contested cells
// (cells and index naming log entries by their new numbers), and the sites
// all of these name.
// CROSS JOIN keeps SQLite's join order: the snapshot's rows drive, and
// each lookup in src is by primary key.
func (b *builder) fill() error {
	cond, args := b.inScopes("scope")
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO main.sync_log (seq, chain, batch, origin, origin_seq, tbl, row_id, col, val, hlc, base, cl, scope)
			SELECT c.seq, c.chain, NULL, l.origin, l.origin_seq, l.tbl, l.row_id, l.col, l.val, l.hlc, l.base, l.cl, l.scope
			FROM temp.snapshot_chain c CROSS JOIN src.sync_log l ON l.seq = c.src_seq ORDER BY c.seq`, nil},
		{`INSERT INTO main.sync_rows SELECT * FROM src.sync_rows WHERE ` + cond + ` ORDER BY tbl, row_id`, args},
		{`INSERT INTO main.sync_cells (tbl, row_id, col, val, hlc, site, cl, seq)
			SELECT c.tbl, c.row_id, c.col, c.val, c.hlc, c.site, c.cl, coalesce(n.seq, 0) FROM main.sync_rows r
			CROSS JOIN src.sync_cells c ON c.tbl = r.tbl AND c.row_id = r.row_id
			LEFT JOIN temp.snapshot_chain n ON n.src_seq = c.seq ORDER BY c.tbl, c.row_id, c.col`, nil},
		{`INSERT INTO main.sync_contested (scope, tbl, row_id, col, seq)
			SELECT x.scope, x.tbl, x.row_id, x.col, n.seq FROM src.sync_contested x
			CROSS JOIN temp.snapshot_chain n ON n.src_seq = x.seq WHERE x.` + cond + `
			ORDER BY x.scope, x.tbl, x.row_id, x.col, n.seq`, args},
		{`INSERT INTO main.sync_sites SELECT * FROM src.sync_sites
			WHERE id IN (SELECT origin FROM main.sync_log UNION SELECT site FROM main.sync_cells)`, nil},
	}
	for _, t := range b.db.order {
		stmts = append(stmts, struct {
			sql  string
			args []any
		}{`INSERT INTO main.` + quote(t.Name) + ` SELECT d.* FROM main.sync_rows r
			CROSS JOIN src.` + quote(t.Name) + ` d ON d.id = ` + uuidText("r.row_id") + ` WHERE r.tbl = ?`, []any{t.Name}})
	}
	for _, s := range stmts {
		if _, err := b.tx.ExecContext(b.ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("copy %.50s: %w", strings.Join(strings.Fields(s.sql), " "), err)
		}
	}
	err := b.tx.QueryRowContext(b.ctx, `SELECT (SELECT count(*) FROM main.sync_rows), (SELECT count(*) FROM main.sync_cells)`).
		Scan(&b.info.Rows, &b.info.Cells)
	if err != nil {
		return fmt.Errorf("count rows: %w", err)
	}
	return nil
}

// meta records what the snapshot is.
func (b *builder) meta() error {
	_, err := b.tx.ExecContext(b.ctx, `INSERT INTO main.`+snapshotMetaTable+` (key, value) VALUES (?, ?), (?, ?), (?, ?)`,
		snapKeyFormat, SnapshotFormat, snapKeyInfo, mustJSON(b.info), snapKeyTables, mustJSON(b.db.domainColumns()))
	if err != nil {
		return fmt.Errorf("record snapshot: %w", err)
	}
	return nil
}

// syncFile flushes the file at path to stable storage.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
