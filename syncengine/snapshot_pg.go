package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
)

// A PostgreSQL store builds the same snapshot file as a SQLite one — a
// SQLite file, which laptops adopt — but it cannot attach itself to
// SQLite: what buildInto does inside SQLite, pgBuilder does in Go. It
// reads everything in one REPEATABLE READ transaction (the readers'
// default, see postgresDialect), so the snapshot is the state at one
// instant, and streams it, a page at a time:
//
//   - the tables get the DDL a SQLite replica of this schema has, read from
//     a scratch in-memory SQLite database migrated like one (sqliteSchema);
//   - the scopes' log entries are renumbered and rechained in log order;
//   - rows and cells are read in key order, and each row's domain row is
//     projected from them as a SQLite replica projects it;
//   - the scopes' contested cells are indexed, by the entries' new numbers;
//   - the sites named by the log and the cells are copied with their ids.

// pgBuilder writes one snapshot of a PostgreSQL store into a SQLite file.
type pgBuilder struct {
	*builder                // its tx is the SQLite file's
	src      *sql.Tx        // the store's read transaction
	used     map[int64]bool // sites the snapshot names
	// srcSeqs are the store's numbers of the entries copied, in log
	// order: entry i+1 of the snapshot is srcSeqs[i].
	srcSeqs []uint64
}

// buildFromPostgres fills the empty SQLite file at path with the snapshot.
func (db *DB) buildFromPostgres(ctx context.Context, scopes []string, path string) (SnapshotInfo, error) {
	out, err := openSQLiteOut(path)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer out.Close()
	tx, err := out.BeginTx(ctx, nil)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer tx.Rollback()
	src, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer src.Rollback()
	b := &pgBuilder{builder: &builder{db: db, ctx: ctx, tx: tx, scopes: scopes,
		info: SnapshotInfo{Format: SnapshotFormat, Incarnation: db.incarnation, Scopes: scopes}},
		src: src, used: map[int64]bool{}}
	for _, step := range []func() error{b.head, b.tables, b.log, b.rowsAndCells, b.contested, b.copySites, b.indexes, b.meta} {
		if err := step(); err != nil {
			return SnapshotInfo{}, err
		}
	}
	if err := tx.Commit(); err != nil {
		return SnapshotInfo{}, err
	}
	return b.info, out.Close()
}

// openSQLiteOut opens the SQLite file at path with no journal: a failure
// leaves it half written, and the caller removes it.
func openSQLiteOut(path string) (*sql.DB, error) {
	out, err := sql.Open("sqlite3", fileURI(path, "")+"?_journal_mode=OFF&_synchronous=OFF&_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	out.SetMaxOpenConns(1)
	return out, nil
}

// head reads the log's head, which also fixes the instant the store's
// transaction sees.
func (b *pgBuilder) head() error { return b.readHead(b.src, "") }

// tables creates the snapshot's tables as a SQLite replica of this schema
// has them; their indexes come once they are filled.
func (b *pgBuilder) tables() error {
	objects, err := b.db.sqliteSchema(b.ctx, b.db.snapshotTables())
	if err != nil {
		return err
	}
	if err := b.createTables(objects); err != nil {
		return err
	}
	return b.db.cacheSites(b.ctx, b.src)
}

// log copies the scopes' log entries in log order, renumbered from 1 and
// rechained as pulled entries.
func (b *pgBuilder) log() error {
	w := &chunkWriter{b: b.builder, cols: 12,
		prefix: `INSERT INTO sync_log (seq, chain, origin, origin_seq, tbl, row_id, col, val, hlc, base, cl, scope) VALUES `}
	err := b.eachRechained(b.src, "", b.db.sites.uuid, func(e *logEntry, srcSeq uint64) error {
		b.used[e.origin] = true
		b.srcSeqs = append(b.srcSeqs, srcSeq)
		c := &e.c
		return w.add(e.seq, e.chain[:], e.origin, c.Seq, c.Table, c.Row[:], c.Column, c.Value.Any(), c.HLC, c.Base, c.CL, c.Scope)
	})
	if err != nil {
		return err
	}
	return w.flush()
}

// rowsAndCells copies the scopes' rows and their cells, in key order, and
// projects each row into its domain table as a SQLite replica does.
func (b *pgBuilder) rowsAndCells() error {
	cond, args := b.inScopes("r.scope")
	rows, err := b.src.QueryContext(b.ctx, `SELECT r.tbl, r.row_id, r.scope, r.cl, c.col, c.val, c.hlc, c.site, c.cl, c.seq
		FROM sync_rows r LEFT JOIN sync_cells c ON `+b.db.cells.join()+`
		WHERE `+cond+` ORDER BY r.tbl, r.row_id, c.col`, args...)
	if err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()
	rw := &chunkWriter{b: b.builder, prefix: `INSERT INTO sync_rows (tbl, row_id, scope, cl) VALUES `, cols: 4}
	cw := &chunkWriter{b: b.builder, prefix: `INSERT INTO sync_cells (tbl, row_id, col, val, hlc, site, cl, seq) VALUES `, cols: 8}
	p := &snapshotProjection{b: b.builder, out: map[string]*projection{}}
	for rows.Next() {
		var key rowKey
		var id []byte
		var st rowState
		var col sql.NullString
		var val any
		var hlc, site, cl, seq sql.NullInt64
		if err := rows.Scan(&key.table, &id, &st.scope, &st.cl, &col, &val, &hlc, &site, &cl, &seq); err != nil {
			return fmt.Errorf("read rows: %w", err)
		}
		copy(key.id[:], id)
		if key != p.key {
			if err := p.next(key, st); err != nil {
				return err
			}
			if err := rw.add(key.table, id, st.scope, st.cl); err != nil {
				return err
			}
			b.info.Rows++
		}
		if !col.Valid {
			continue
		}
		v, err := ValueOf(val)
		if err != nil {
			return fmt.Errorf("read cell: %w", err)
		}
		p.cells[col.String] = &version{value: v, hlc: HLC(hlc.Int64), cl: uint64(cl.Int64)}
		b.used[site.Int64] = true
		b.info.Cells++
		if err := cw.add(key.table, id, col.String, val, hlc.Int64, site.Int64, cl.Int64, b.renumber(uint64(seq.Int64))); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	if err := p.next(rowKey{}, rowState{}); err != nil {
		return err
	}
	if err := rw.flush(); err != nil {
		return err
	}
	if err := cw.flush(); err != nil {
		return err
	}
	return p.write()
}

// renumber is the snapshot's number of the store's log entry src, or 0 if
// the snapshot does not hold it.
func (b *pgBuilder) renumber(src uint64) uint64 {
	if i, ok := slices.BinarySearch(b.srcSeqs, src); ok {
		return uint64(i + 1)
	}
	return 0
}

// contested copies the index of the scopes' contested cells, renumbered.
func (b *pgBuilder) contested() error {
	cond, args := b.inScopes("scope")
	rows, err := b.src.QueryContext(b.ctx, `SELECT scope, tbl, row_id, col, seq FROM sync_contested
		WHERE `+cond+` ORDER BY scope, tbl, row_id, col, seq`, args...)
	if err != nil {
		return fmt.Errorf("read contested cells: %w", err)
	}
	defer rows.Close()
	w := &chunkWriter{b: b.builder, prefix: `INSERT INTO sync_contested (scope, tbl, row_id, col, seq) VALUES `, cols: 5}
	for rows.Next() {
		var scope, table, col string
		var id []byte
		var seq uint64
		if err := rows.Scan(&scope, &table, &id, &col, &seq); err != nil {
			return fmt.Errorf("read contested cells: %w", err)
		}
		if err := w.add(scope, table, id, col, b.renumber(seq)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read contested cells: %w", err)
	}
	return w.flush()
}

// copySites copies the sites the snapshot names, with their ids.
func (b *pgBuilder) copySites() error {
	w := &chunkWriter{b: b.builder, prefix: `INSERT INTO sync_sites (id, site) VALUES `, cols: 2}
	for _, id := range slices.Sorted(maps.Keys(b.used)) {
		site, ok := b.db.sites.uuid(id)
		if !ok {
			return fmt.Errorf("unknown site %d", id)
		}
		if err := w.add(id, site[:]); err != nil {
			return err
		}
	}
	return w.flush()
}

// snapshotProjection projects the rows of a snapshot, one at a time, as a
// SQLite replica projects them.
type snapshotProjection struct {
	b     *builder
	key   rowKey
	st    rowState
	cells map[string]*version
	out   map[string]*projection
}

// next projects the row read so far, if it is alive, and starts key's.
func (p *snapshotProjection) next(key rowKey, st rowState) error {
	if p.cells != nil && Alive(p.st.cl) {
		if t, ok := p.b.db.tables[p.key.table]; ok {
			out := p.out[t.Name]
			if out == nil {
				sqliteTable := *t
				sqliteTable.cast = sqliteDialect{}.project
				out = &projection{t: &sqliteTable}
				p.out[t.Name] = out
			}
			out.add(p.key.id, p.st.cl, p.cells)
			if len(out.alive) >= writeChunk*(1+len(t.Columns)) {
				if err := p.flush(out); err != nil {
					return err
				}
			}
		}
	}
	p.key, p.st, p.cells = key, st, map[string]*version{}
	return nil
}

func (p *snapshotProjection) flush(out *projection) error {
	if err := out.write(p.b.ctx, p.b.tx); err != nil {
		return err
	}
	out.alive, out.dead = out.alive[:0], out.dead[:0]
	return nil
}

// write writes what is left, in Config order.
func (p *snapshotProjection) write() error {
	for _, t := range p.b.db.order {
		if out := p.out[t.Name]; out != nil {
			if err := p.flush(out); err != nil {
				return err
			}
		}
	}
	return nil
}

// chunkWriter inserts rows of cols values into the snapshot, writeChunk
// rows to a statement.
type chunkWriter struct {
	b      *builder
	prefix string
	cols   int
	args   []any
}

func (w *chunkWriter) add(values ...any) error {
	w.args = append(w.args, values...)
	if len(w.args) >= w.cols*writeChunk {
		return w.flush()
	}
	return nil
}

func (w *chunkWriter) flush() error {
	if len(w.args) == 0 {
		return nil
	}
	q := multiRow(w.prefix, w.cols, len(w.args)/w.cols, "")
	if _, err := w.b.tx.ExecContext(w.b.ctx, q, w.args...); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	w.args = w.args[:0]
	return nil
}

// sqliteSchema returns the schema objects SQLite gives tables in a
// replica migrated as this one is, read from a scratch in-memory database
// migrated so.
func (db *DB) sqliteSchema(ctx context.Context, tables []string) ([]schemaObject, error) {
	scratch, err := sql.Open("sqlite3", "file::memory:?_foreign_keys=1")
	if err != nil {
		return nil, err
	}
	defer scratch.Close()
	scratch.SetMaxOpenConns(1) // one connection, one in-memory database
	migs, err := sqliteDialect{}.migrations()
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, scratch, sqliteDialect{}, append(migs, db.appMigrations...), nil); err != nil {
		return nil, fmt.Errorf("the SQLite schema: %w", err)
	}
	return schemaOf(ctx, scratch, "main", tables)
}
