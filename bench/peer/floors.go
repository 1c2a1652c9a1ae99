package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver the engine uses
)

// The floors (-floors) answer one question: how fast could a laptop store
// a commune it pulls, whatever the merge did, in the layout Hodan writes
// and in others? They copy the rows of the fixture's laptop (its log,
// cells, rows' existence and domain tables: what a bootstrap writes) into
// new databases, in 29 transactions as a bootstrap's pages, with the
// engine's pragmas for a pulled page (WAL, synchronous=NORMAL) and its
// 64-row statements. Only SQLite's work and the binding of values count:
// no merge, no decoding, no network.

// layout is one way of storing the commune: the tables it creates, and
// what it writes of part k of n of the rows.
type layout struct {
	name, what string
	tables     []string // copied with their indexes from the fixture's laptop
	packed     bool     // also creates the packed tables
	write      func(fl *floors, tx *sql.Tx, k, n int) error
}

// packedDDL holds the packed tables: the log kept as the pages it came
// in, one row per page, and cells kept per record, one row per record.
const packedDDL = `
CREATE TABLE packed_log (seq INTEGER PRIMARY KEY, chain BLOB NOT NULL, origin INTEGER NOT NULL,
	first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, scope TEXT NOT NULL, changes BLOB NOT NULL) STRICT;
CREATE INDEX packed_log_origin ON packed_log (origin, last_seq);
CREATE INDEX packed_log_scope ON packed_log (scope, seq);
CREATE TABLE packed_cells (tbl TEXT NOT NULL, row_id BLOB NOT NULL, cells BLOB NOT NULL,
	PRIMARY KEY (tbl, row_id)) STRICT, WITHOUT ROWID`

// floors holds the fixture laptop's rows, table by table.
type floors struct {
	tables map[string]*copied
	domain []string // the domain tables holding rows
}

// copied is one table of the fixture's laptop: its DDL (with its
// indexes), columns and rows.
type copied struct {
	name string
	ddl  []string
	cols []string
	rows [][]any
}

func layouts(domain []string) []layout {
	state := append([]string{"sync_rows"}, domain...)
	copyAll := func(names ...string) func(fl *floors, tx *sql.Tx, k, n int) error {
		return func(fl *floors, tx *sql.Tx, k, n int) error {
			for _, t := range names {
				if err := insertPart(tx, fl.tables[t], k, n); err != nil {
					return err
				}
			}
			return nil
		}
	}
	packLog := func(fl *floors, tx *sql.Tx, k, n int) error { return fl.packLog(tx, k, n) }
	packCells := func(fl *floors, tx *sql.Tx, k, n int) error { return fl.packCells(tx, k, n) }
	both := func(steps ...func(*floors, *sql.Tx, int, int) error) func(fl *floors, tx *sql.Tx, k, n int) error {
		return func(fl *floors, tx *sql.Tx, k, n int) error {
			for _, s := range steps {
				if err := s(fl, tx, k, n); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return []layout{
		{"today", "a log row and a cell row per change (Hodan's layout)",
			append([]string{"sync_log", "sync_cells"}, state...), false,
			copyAll(append([]string{"sync_log", "sync_cells"}, state...)...)},
		{"packed-cells", "log rows; cells packed per record",
			append([]string{"sync_log"}, state...), true,
			both(copyAll("sync_log"), packCells, copyAll(state...))},
		{"packed-log", "the log as its pages; cell rows",
			append([]string{"sync_cells"}, state...), true,
			both(packLog, copyAll(append([]string{"sync_cells"}, state...)...))},
		{"state-only", "cell rows, no log",
			append([]string{"sync_cells"}, state...), false,
			copyAll(append([]string{"sync_cells"}, state...)...)},
		{"packed-both", "the log as its pages; cells packed per record",
			state, true,
			both(packLog, packCells, copyAll(state...))},
		{"domain-only", "rows' existence and domain tables only",
			state, false, copyAll(state...)},
	}
}

// runFloors measures every layout cfg.rounds times, the layouts in turn,
// and prints each one's medians beside today's.
func runFloors(ctx context.Context, cfg config, fx fixture) error {
	fl, err := readFloors(ctx, filepath.Join(fx.dir, "a.db"))
	if err != nil {
		return err
	}
	ls := layouts(fl.domain)
	cpu := map[string][]float64{}
	wall := map[string][]float64{}
	var pouch []float64
	for r := 0; r < cfg.rounds; r++ {
		if !cfg.skipPouch {
			res, err := runPouch(ctx, cfg)
			if err != nil {
				return fmt.Errorf("round %d, pouchdb: %w", r+1, err)
			}
			pouch = append(pouch, res.Steps["bootstrap"].S)
		}
		for i := range ls {
			l := ls[(i+r)%len(ls)]
			c, w, err := fl.measure(ctx, l)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", r+1, l.name, err)
			}
			cpu[l.name], wall[l.name] = append(cpu[l.name], c), append(wall[l.name], w)
			fmt.Fprintf(os.Stderr, "round %d %s: %.3f s CPU, %.3f s wall\n", r+1, l.name, c, w)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "layout\tCPU s\twall s\tCPU / today's\twall / PouchDB bootstrap\t\n")
	today := median(cpu["today"])
	for _, l := range ls {
		c, w := median(cpu[l.name]), median(wall[l.name])
		vsPouch := "—"
		if len(pouch) > 0 {
			vsPouch = fmt.Sprintf("%.2f", w/median(pouch))
		}
		fmt.Fprintf(tw, "%s: %s\t%.3f\t%.3f\t%.2f\t%s\t\n", l.name, l.what, c, w, c/today, vsPouch)
	}
	if len(pouch) > 0 {
		fmt.Fprintf(tw, "PouchDB's bootstrap, same run\t\t%.3f\t\t\t\n", median(pouch))
	}
	return tw.Flush()
}

// readFloors reads the tables a bootstrap writes from the laptop at path.
func readFloors(ctx context.Context, path string) (*floors, error) {
	src, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	fl := &floors{tables: map[string]*copied{}}
	names := []string{"sync_log", "sync_cells", "sync_rows"}
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sync\_%' ESCAPE '\' AND name NOT LIKE 'ref\_%' ESCAPE '\'
		AND name NOT LIKE 'client\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name != 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list the domain tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		t, err := readCopied(ctx, src, n)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", n, err)
		}
		if len(t.rows) == 0 {
			continue
		}
		fl.tables[n] = t
		if !strings.HasPrefix(n, "sync_") {
			fl.domain = append(fl.domain, n)
		}
	}
	if fl.tables["sync_log"] == nil || fl.tables["sync_cells"] == nil {
		return nil, fmt.Errorf("%s holds no log or no cells", path)
	}
	return fl, nil
}

// readCopied reads a table's DDL, indexes and rows, the log's in order.
func readCopied(ctx context.Context, src *sql.DB, name string) (*copied, error) {
	t := &copied{name: name}
	ddl, err := src.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC`, name)
	if err != nil {
		return nil, err
	}
	for ddl.Next() {
		var s string
		if err := ddl.Scan(&s); err != nil {
			ddl.Close()
			return nil, err
		}
		t.ddl = append(t.ddl, s)
	}
	ddl.Close()
	order := "1"
	if name == "sync_cells" {
		order = "tbl, row_id, col" // a record's cells together (packCells)
	}
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+name+` ORDER BY `+order)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if t.cols, err = rows.Columns(); err != nil {
		return nil, err
	}
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		t.rows = append(t.rows, vals)
	}
	return t, rows.Err()
}

// measure writes the commune in layout l into a new database, in 29
// transactions, and returns the process's CPU seconds and the wall
// seconds it took.
func (fl *floors) measure(ctx context.Context, l layout) (cpu, wall float64, err error) {
	dir, err := os.MkdirTemp("", "hodan-floor-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite3", filepath.Join(dir, "floor.db")+"?_journal_mode=WAL&_synchronous=NORMAL")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var ddl []string
	for _, t := range l.tables {
		ddl = append(ddl, fl.tables[t].ddl...)
	}
	if l.packed {
		ddl = append(ddl, packedDDL)
	}
	if _, err := db.ExecContext(ctx, strings.Join(ddl, ";\n")); err != nil {
		return 0, 0, fmt.Errorf("create the tables: %w", err)
	}
	const pages = 29 // a bootstrap of the commune in pages of 5,000
	start, cpu0 := time.Now(), cpuSeconds()
	for k := 0; k < pages; k++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		if err := l.write(fl, tx, k, pages); err != nil {
			tx.Rollback()
			return 0, 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
	}
	return cpuSeconds() - cpu0, time.Since(start).Seconds(), nil
}

// part returns the bounds of part k of n of t's rows.
func part(t *copied, k, n int) (lo, hi int) { return len(t.rows) * k / n, len(t.rows) * (k + 1) / n }

// insertPart copies part k of n of t's rows, 64 rows a statement, as the
// merge writes.
func insertPart(tx *sql.Tx, t *copied, k, n int) error {
	lo, hi := part(t, k, n)
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	var args []any
	for i := lo; i < hi; i += 64 {
		chunk := t.rows[i:min(i+64, hi)]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := `INSERT INTO ` + t.name + ` VALUES ` + strings.TrimSuffix(strings.Repeat(group+", ", len(chunk)), ", ")
		if _, err := tx.Exec(q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, err)
		}
	}
	return nil
}

// packLog writes part k of n of the log as one row: its changes' columns
// encoded one after the other, the page's sequence numbers and chain
// beside them.
func (fl *floors) packLog(tx *sql.Tx, k, n int) error {
	t := fl.tables["sync_log"]
	lo, hi := part(t, k, n)
	col := func(r []any, name string) any { return r[slices.Index(t.cols, name)] }
	var buf []byte
	for _, r := range t.rows[lo:hi] {
		for i, v := range r {
			switch t.cols[i] {
			case "seq", "chain", "origin", "scope":
			default:
				buf = appendPacked(buf, v)
			}
		}
	}
	first, last := t.rows[lo], t.rows[hi-1]
	_, err := tx.Exec(`INSERT INTO packed_log VALUES (?, ?, ?, ?, ?, ?, ?)`,
		col(last, "seq"), col(last, "chain"), col(first, "origin"), col(first, "origin_seq"), col(last, "origin_seq"), col(first, "scope"), buf)
	return err
}

// packCells writes part k of n of the cells, one row per record holding
// each of its cells' columns (a record cut by the part's edge is written
// again whole by the next).
func (fl *floors) packCells(tx *sql.Tx, k, n int) error {
	t := fl.tables["sync_cells"]
	lo, hi := part(t, k, n)
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		q := `INSERT OR REPLACE INTO packed_cells VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(args)/3), ", ")
		_, err := tx.Exec(q, args...)
		args = args[:0]
		return err
	}
	for i := lo; i < hi; {
		var buf []byte
		j := i
		for ; j < hi && sameRecord(t.rows[i], t.rows[j]); j++ {
			for _, v := range t.rows[j][2:] {
				buf = appendPacked(buf, v)
			}
		}
		args = append(args, t.rows[i][0], t.rows[i][1], buf)
		if len(args) == 3*64 {
			if err := flush(); err != nil {
				return err
			}
		}
		i = j
	}
	return flush()
}

// sameRecord reports whether two cells (tbl, row_id, …) are of one record.
func sameRecord(a, b []any) bool {
	return a[0] == b[0] && string(a[1].([]byte)) == string(b[1].([]byte))
}

// appendPacked appends v to buf, its type first.
func appendPacked(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, 0)
	case int64:
		return binary.AppendVarint(append(buf, 1), x)
	case float64:
		return binary.BigEndian.AppendUint64(append(buf, 2), math.Float64bits(x))
	case string:
		return append(binary.AppendUvarint(append(buf, 3), uint64(len(x))), x...)
	case []byte:
		return append(binary.AppendUvarint(append(buf, 4), uint64(len(x))), x...)
	}
	panic(fmt.Sprintf("floors: a value of type %T", v))
}

// cpuSeconds is the CPU time this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
