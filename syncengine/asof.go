package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
)

// StateQuery selects the log entries WriteState merges.
type StateQuery struct {
	// Until is an instant in Unix milliseconds: only the entries this
	// replica had taken at or before it count. An entry that came in a
	// pushed batch was taken when the batch was received (its receipt);
	// any other, written here or pulled, at the wall-clock part of its
	// HLC. It is the instant an auditor's replay of an exported log stops
	// at (hodan-server audit replay --until).
	Until int64
	// WrittenBy, if not 0, also leaves out the entries written after it
	// (Unix milliseconds of their HLC's wall-clock part): what the records
	// said at that instant, as far as this replica knew by Until. The HLC
	// respects causality, so such a cut never keeps a change without the
	// changes its writer had seen.
	WrittenBy int64
	// Scopes, if set, keeps only the rows of these scopes.
	Scopes []string
	// Tables, if set, writes only these domain tables.
	Tables []string
}

// StateInfo says what WriteState wrote.
type StateInfo struct {
	Rows   int64 `json:"rows"`   // live rows written
	Merged int64 `json:"merged"` // of them, rows merged again from the log
}

// WriteState writes to a new SQLite file at path, which must not exist,
// the domain tables as this replica's schema has them (with their
// indexes), holding the merged state of the log entries q selects: a row
// is alive by the largest causal length among them, and each cell holds
// the winning write among them in the merge's own order (version.beats).
// It is the state a replica holds that received those changes and no
// others, so that what the data said at a past instant can be read again,
// at any time, from the log alone.
//
// The file is a plain SQLite database, without the engine's tables; the
// caller removes it. Everything is read in one read transaction, and the
// log is scanned inside SQLite, two or three times: rows are merged from
// the entries q keeps, sorted by row, a row at a time (memory holds one
// row's entries), except that when q leaves out fewer entries than it
// keeps, a row none of whose entries it leaves out is copied from the live
// domain table instead (the merge of all its entries). A PostgreSQL store
// writes the same file, the tables as a SQLite replica of its schema has
// them, so that what reads a state is SQLite's SQL whatever the store
// (asof_postgres.go).
func (db *DB) WriteState(ctx context.Context, q StateQuery, path string) (StateInfo, error) {
	tables := db.stateTables(q.Tables)
	if len(tables) == 0 {
		return StateInfo{}, fmt.Errorf("state: no domain table among %q", q.Tables)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return StateInfo{}, fmt.Errorf("state: %s exists: give the name of a new file", path)
	}
	open := db.openState
	if db.dialect.postgres() {
		open = db.openStateFromPostgres
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	s, done, err := open(ctx, path, names)
	if err != nil {
		return StateInfo{}, fmt.Errorf("state: %w", err)
	}
	defer done()
	for _, t := range tables {
		s.tables[t.Name] = &projection{t: t.inSQLite()} // the file is SQLite
	}
	if err := s.create(false); err != nil {
		return StateInfo{}, err
	}
	if err := s.merge(q); err != nil {
		return StateInfo{}, err
	}
	if err := s.create(true); err != nil {
		return StateInfo{}, err
	}
	if err := s.tx.Commit(); err != nil {
		return StateInfo{}, fmt.Errorf("state: %w", err)
	}
	return s.info, nil
}

// openState opens the SQLite file at path on a connection that has this
// SQLite replica attached as src, in one transaction, and reads there the
// schema of the tables names and the sites. done closes it all.
func (db *DB) openState(ctx context.Context, path string, names []string) (s *stateWriter, done func(), err error) {
	out, tx, err := db.openBeside(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	done = func() { tx.Rollback(); out.Close() }
	s = &stateWriter{ctx: ctx, tx: tx, src: tx, prefix: "src.", tables: map[string]*projection{}}
	sites, err := srcSites(ctx, tx)
	if err == nil {
		s.site = func(id int64) (SiteID, bool) { site, ok := sites[id]; return site, ok }
		s.objects, err = schemaOf(ctx, tx, "src", names)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}

// stateTables are the tables of db among names (all when none), in
// Config order.
func (db *DB) stateTables(names []string) []*table {
	var out []*table
	for _, t := range db.order {
		if len(names) == 0 || slices.Contains(names, t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// stateWriter writes one WriteState file, in one transaction (tx) of a
// connection whose main database is the file. It reads the log from src,
// whose tables are named with prefix: the replica attached to that
// connection (src.), or a PostgreSQL store's read transaction (none).
type stateWriter struct {
	ctx     context.Context
	tx      *sql.Tx
	src     querier
	prefix  string
	site    func(id int64) (SiteID, bool) // the site of an interned id in src
	objects []schemaObject                // the tables' DDL, as SQLite has it
	// fromLog: every row is merged from the log, none copied from the
	// live domain tables (which a PostgreSQL store keeps in its own SQL).
	fromLog bool
	tables  map[string]*projection
	info    StateInfo
}

// names are the names of the state's tables, sorted.
func (s *stateWriter) names() []string {
	names := slices.Collect(maps.Keys(s.tables))
	slices.Sort(names)
	return names
}

// create creates the tables, as SQLite's DDL has them, or, with indexes,
// their indexes and triggers, which are faster to build once filled.
func (s *stateWriter) create(indexes bool) error {
	for _, o := range s.objects {
		if (o.Type == "table") == indexes || o.SQL == "" {
			continue // an automatic index comes with its table
		}
		if _, err := s.tx.ExecContext(s.ctx, o.SQL); err != nil {
			return fmt.Errorf("state: create %s: %w", o.Name, err)
		}
	}
	return nil
}

// merge writes the state, the cheaper of two ways that give the same
// rows. When q leaves out fewer entries than it keeps, a row none of
// whose entries q leaves out is, as of then, what it is now: its live
// domain row is copied, and only the rows q leaves some entries of
// ("late" rows, changed after the instant) are merged again from the
// entries q keeps. Otherwise every row is merged from the entries q keeps.
func (s *stateWriter) merge(q StateQuery) error {
	names := s.names()
	kept, keptArgs := `coalesce(b.received, l.hlc >> 16) <= ?`, []any{q.Until}
	if q.WrittenBy != 0 {
		kept, keptArgs = kept+` AND l.hlc >> 16 <= ?`, append(keptArgs, q.WrittenBy)
	}
	where, args := `l.tbl IN (`+placeholders(len(names))+`)`, anys(names)
	if len(q.Scopes) > 0 {
		where, args = where+` AND l.scope IN (`+placeholders(len(q.Scopes))+`)`, append(args, anys(q.Scopes)...)
	}
	keptArgs = append(slices.Clone(args), keptArgs...)
	if s.fromLog {
		return s.mergeFrom(s.prefix+`sync_log l`, where+` AND `+kept, keptArgs)
	}
	var nKept, nLeft int64
	err := s.tx.QueryRowContext(s.ctx, `SELECT coalesce(sum(k), 0), coalesce(sum(NOT k), 0) FROM (SELECT (`+kept+`) AS k
		FROM src.sync_log l LEFT JOIN src.sync_batches b ON b.id = l.batch WHERE `+where+`)`,
		append(slices.Clone(keptArgs[len(args):]), args...)...).Scan(&nKept, &nLeft)
	if err != nil {
		return fmt.Errorf("state: read log: %w", err)
	}
	if nLeft >= nKept {
		if nKept == 0 {
			return nil
		}
		return s.mergeFrom(`src.sync_log l`, where+` AND `+kept, keptArgs)
	}
	late, err := s.lateRows(where+` AND NOT (`+kept+`)`, keptArgs)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.copyLive(name, q.Scopes); err != nil {
			return err
		}
	}
	if late == 0 {
		return nil
	}
	// CROSS JOIN: the log drives, each entry looked up among the late
	// rows by key.
	return s.mergeFrom(`src.sync_log l CROSS JOIN temp.state_late x ON x.tbl = l.tbl AND x.row_id = l.row_id`,
		where+` AND `+kept, keptArgs)
}

// lateRows records in temp.state_late the rows with a log entry that
// meets cond, and returns how many.
func (s *stateWriter) lateRows(cond string, args []any) (int64, error) {
	_, err := s.tx.ExecContext(s.ctx, `CREATE TEMP TABLE state_late (tbl TEXT NOT NULL, row_id BLOB NOT NULL, id TEXT NOT NULL,
		PRIMARY KEY (tbl, row_id)) WITHOUT ROWID`)
	if err != nil {
		return 0, fmt.Errorf("state: %w", err)
	}
	res, err := s.tx.ExecContext(s.ctx, `INSERT OR IGNORE INTO temp.state_late (tbl, row_id, id)
		SELECT l.tbl, l.row_id, `+uuidText("l.row_id")+` FROM src.sync_log l
		LEFT JOIN src.sync_batches b ON b.id = l.batch WHERE `+cond, args...)
	if err != nil {
		return 0, fmt.Errorf("state: read log: %w", err)
	}
	if _, err := s.tx.ExecContext(s.ctx, `CREATE UNIQUE INDEX temp.state_late_id ON state_late (tbl, id)`); err != nil {
		return 0, fmt.Errorf("state: %w", err)
	}
	n, err := res.RowsAffected()
	return n, err
}

// copyLive copies the live rows of table, of scopes (all when none), but
// the late ones.
func (s *stateWriter) copyLive(table string, scopes []string) error {
	from, args := `src.`+quote(table)+` d`, []any{}
	if len(scopes) > 0 {
		from = `src.sync_rows r CROSS JOIN src.` + quote(table) + ` d ON d.id = ` + uuidText("r.row_id") +
			` AND r.tbl = ? AND r.scope IN (` + placeholders(len(scopes)) + `)`
		args = append([]any{table}, anys(scopes)...)
	}
	res, err := s.tx.ExecContext(s.ctx, `INSERT INTO main.`+quote(table)+` SELECT d.* FROM `+from+`
		WHERE NOT EXISTS (SELECT 1 FROM temp.state_late x WHERE x.tbl = ? AND x.id = d.id)`, append(args, table)...)
	if err != nil {
		return fmt.Errorf("state: copy %s: %w", table, err)
	}
	n, err := res.RowsAffected()
	s.info.Rows += n
	return err
}

// mergeFrom merges the rows of the log entries from (the log as l, maybe
// joined) that meet cond, grouped by row, and projects each once all its
// entries are folded.
func (s *stateWriter) mergeFrom(from, cond string, args []any) error {
	rows, err := s.src.QueryContext(s.ctx, `SELECT `+logColumns+` FROM `+from+`
		LEFT JOIN `+s.prefix+`sync_batches b ON b.id = l.batch WHERE `+cond+` ORDER BY l.tbl, l.row_id`, args...)
	if err != nil {
		return fmt.Errorf("state: read log: %w", err)
	}
	defer rows.Close()
	var cur rowFold
	for rows.Next() {
		var c Change
		var seq uint64
		var origin int64
		if err := scanLogRow(rows, &seq, &origin, &c); err != nil {
			return fmt.Errorf("state: %w", err)
		}
		var ok bool
		if c.Site, ok = s.site(origin); !ok {
			return fmt.Errorf("state: read log #%d: unknown site %d", seq, origin)
		}
		if cur.cells != nil && (cur.key.table != c.Table || cur.key.id != c.Row) {
			if err := s.project(&cur); err != nil {
				return err
			}
		}
		cur.fold(&c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("state: read log: %w", err)
	}
	if cur.cells != nil {
		if err := s.project(&cur); err != nil {
			return err
		}
	}
	for _, p := range s.tables {
		if err := s.flush(p); err != nil {
			return err
		}
	}
	return nil
}

// rowFold is one row's merged state, folded from its entries in any
// order: the merge is commutative.
type rowFold struct {
	key   rowKey
	cl    uint64
	cells map[string]*version
}

func (f *rowFold) fold(c *Change) {
	if f.cells == nil {
		*f = rowFold{key: rowKey{c.Table, c.Row}, cells: map[string]*version{}}
	}
	f.cl = max(f.cl, c.CL)
	if c.IsExists() {
		return
	}
	if v := c.version(); f.cells[c.Column] == nil || v.beats(*f.cells[c.Column]) {
		f.cells[c.Column] = &v
	}
}

// project adds a folded row to its table's projection, writing the
// projection once it holds a statement's worth, and empties f.
func (s *stateWriter) project(f *rowFold) error {
	defer func() { *f = rowFold{} }()
	if !Alive(f.cl) {
		return nil
	}
	p := s.tables[f.key.table]
	p.add(f.key.id, f.cl, f.cells)
	s.info.Rows++
	s.info.Merged++
	if len(p.alive) < (1+len(p.t.Columns))*writeChunk {
		return nil
	}
	return s.flush(p)
}

func (s *stateWriter) flush(p *projection) error {
	if err := p.write(s.ctx, s.tx); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	p.alive = p.alive[:0]
	return nil
}
