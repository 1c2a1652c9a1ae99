package e2e

// The crash tests kill hodan and hodan-server with SIGKILL at random
// instants, restart them on the same files, and check what DESIGN.md
// promises under "Durability and faults": every database file passes
// PRAGMA integrity_check, nothing acknowledged is lost, no transaction is
// half applied, and the next sync completes and converges.
//
// HODAN_CRASH_KILLS sets how many kills each crash test lands (a few by
// default); HODAN_CRASH_SEED replays the random choices of a failed run.
// The instants are waits measured on the wall clock, so a replay on a
// machine of another speed hits other moments of the same operations.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/mattn/go-sqlite3"

	"hodan/internal/longtest"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/registry"
	"hodan/syncengine"
)

// crashRun is one crash test's random choices and kill budget. A failed
// test prints its seed and the command that replays it.
type crashRun struct {
	rng      *rand.Rand
	kills    int                      // kills to land
	scale    map[string]time.Duration // how long each kind of operation takes
	landed   int                      // kills landed so far
	missed   int                      // kills not sent: the process had finished
	outcomes map[string]int           // where the landed kills fell
}

func newCrashRun(t *testing.T, longKills int) *crashRun {
	t.Helper()
	kills := 1
	if longtest.On() {
		kills = longKills
	}
	if s := os.Getenv("HODAN_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("HODAN_CRASH_KILLS=%q: want a positive number", s)
		}
		kills = n
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("HODAN_CRASH_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("HODAN_CRASH_SEED=%q: want a number", s)
		}
		seed = n
	}
	cr := &crashRun{rng: rand.New(rand.NewSource(seed)), kills: kills, scale: map[string]time.Duration{}, outcomes: map[string]int{}}
	start := time.Now()
	t.Cleanup(func() {
		t.Logf("%d kills landed (%d not sent: the process had finished) in %s; where: %s",
			cr.landed, cr.missed, time.Since(start).Round(time.Millisecond), cr.where())
		if t.Failed() {
			t.Logf("seed %d; replay: HODAN_CRASH_SEED=%d HODAN_CRASH_KILLS=%d go test ./e2e -run '^%s$' -v",
				seed, seed, kills, t.Name())
		}
	})
	return cr
}

// more reports whether kills remain to be landed. It gives up after four
// times the budget in attempts, so that a machine too fast for the chosen
// instants ends the test rather than looping.
func (cr *crashRun) more() bool {
	return cr.landed < cr.kills && cr.landed+cr.missed < 4*cr.kills
}

// instant picks a wait before killing an operation that takes d when left
// alone: half of the time anywhere in its life, half of the time in its
// last part, where processes commit, checkpoint and answer.
func (cr *crashRun) instant(d time.Duration) time.Duration {
	from := 0.0
	if cr.rng.Intn(2) == 0 {
		from = 0.6
	}
	return time.Duration((from + cr.rng.Float64()*(1.1-from)) * float64(d))
}

// kill calls victim at a random instant of p's operation, of the given
// kind, unless it has ended by then, waits for p to exit, and reports
// whether victim was called. The first operation of a kind is left alone, to learn how long
// it takes; the estimate follows the operations that end before their
// kill, as the machine's load changes.
func (cr *crashRun) kill(kind string, p *proc, victim func()) bool {
	d, ok := cr.scale[kind]
	if !ok {
		cr.scale[kind] = p.took()
		return false
	}
	select {
	case <-p.done:
		cr.scale[kind] = (3*d + p.took()) / 4
		return false
	case <-time.After(cr.instant(d)):
	}
	victim()
	<-p.exited
	return true
}

// killProc kills p at a random instant of its operation and reports
// whether it died of the kill.
func (cr *crashRun) killProc(kind string, p *proc) bool {
	return cr.kill(kind, p, func() { p.cmd.Process.Kill() }) && p.killed()
}

// count records whether a kill landed, and where.
func (cr *crashRun) count(landed bool, outcome string) {
	if !landed {
		cr.missed++
		return
	}
	cr.landed++
	cr.outcomes[outcome]++
}

func (cr *crashRun) where() string {
	var parts []string
	for k, n := range cr.outcomes {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// proc is a process a crash test may kill.
type proc struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr syncBuffer
	exited chan struct{}
	done   chan struct{} // closed when the operation ends: at exit, or when a server is ready
	once   sync.Once
	start  time.Time
	end    time.Time
}

func startProc(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	return launch(t, "", name, args...)
}

// startServing starts hodan-server serve on path, on a free port. Its
// operation is its start: it is done once it says it is serving.
func startServing(t *testing.T, path string) *proc {
	t.Helper()
	return launch(t, "hodan-server: serving", bin.server, "serve", "--db", path, "--addr", "127.0.0.1:0")
}

// launch starts a process whose operation ends when it exits or, if ready
// is not empty, when it writes a line that starts with ready to stderr.
func launch(t *testing.T, ready, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(name, args...), exited: make(chan struct{}), done: make(chan struct{})}
	if ready != "" {
		p.stderr.prefix, p.stderr.seen = ready, p.finish
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.Env = append(os.Environ(), "HODAN_DB=")
	if name == bin.server {
		p.cmd.Env = append(p.cmd.Env, "HODAN_LANG=en") // its lines are read in English: "hodan-server: serving"
	}
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.finish()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// finish marks the operation done.
func (p *proc) finish() {
	p.once.Do(func() {
		p.end = time.Now()
		close(p.done)
	})
}

// syncBuffer is a process's standard error, safe to read while the process
// writes it, that calls seen at the first line that starts with prefix.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	prefix string
	seen   func()
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.seen != nil && strings.Contains("\n"+b.buf.String(), "\n"+b.prefix) {
		b.seen()
		b.seen = nil
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// device starts hodan --json with args on d's database.
func (d *device) start(t *testing.T, args ...string) *proc {
	t.Helper()
	return startProc(t, bin.client, append([]string{"--db", d.db, "--json"}, args...)...)
}

// took waits for the operation to end and returns how long it took.
func (p *proc) took() time.Duration {
	<-p.done
	return p.end.Sub(p.start)
}

func (p *proc) killed() bool {
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// ok reports whether the process exited with status 0.
func (p *proc) ok() bool { return p.cmd.ProcessState.Success() }

func (p *proc) String() string {
	return fmt.Sprintf("%s: %v\n%s%s", strings.Join(p.cmd.Args, " "), p.cmd.ProcessState, p.stdout.String(), p.stderr.String())
}

// kill sends the server SIGKILL and waits until it is gone. Only a server
// process can be killed: start it with startServerProcess.
func (s *server) kill() {
	if s.cmd == nil {
		s.t.Fatal("kill: this server runs in the test's process; start it with startServerProcess")
	}
	s.cmd.Process.Kill()
	<-s.exited
}

// openRO opens a database file read-only with database/sql, beside any
// process that may have it open. Some files a writer was killed on cannot
// be read read-only until a writer repairs them (SQLITE_READONLY_RECOVERY:
// the WAL's index was left half written; SQLITE_READONLY_ROLLBACK: a hot
// journal): openRO then opens a copy of the file and its WAL or journal,
// which SQLite repairs there as the next writer's open would, and leaves
// the files as the kill left them.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db := openDSN(t, "sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	var n int
	err := db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n)
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrReadonly {
		return db // other errors are the caller's queries' to report
	}
	db.Close()
	cp := filepath.Join(t.TempDir(), filepath.Base(path))
	copyFile(t, path, cp)
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			copyFile(t, path+suffix, cp+suffix)
		}
	}
	return openDSN(t, "sqlite3", "file:"+cp+"?_busy_timeout=10000")
}

// openDSN opens a database with database/sql's driver, closed when the
// test ends.
func openDSN(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// reader is a database, or a read transaction on it.
type reader interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

// snapshot opens a read transaction on a database file: its queries all see
// the file as of the first of them, while another process writes on. done
// ends it.
func snapshot(t *testing.T, path string) (tx *sql.Tx, done func()) {
	t.Helper()
	db := openRO(t, path)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	return tx, func() {
		tx.Rollback()
		db.Close()
	}
}

// serverSnapshot opens a read transaction on the server's store: its
// queries all see the store as of the first of them, while the server
// writes on. On a file it is snapshot; on PostgreSQL a repeatable-read
// transaction through the engine's connection, whose statements take
// SQLite's placeholders and read the log's values as SQLite gives them,
// so that the same queries read both stores. done ends it.
func serverSnapshot(t *testing.T, srv *server) (tx *sql.Tx, done func()) {
	t.Helper()
	if !syncengine.IsPostgres(srv.db) {
		return snapshot(t, srv.db)
	}
	ctx := context.Background()
	db, err := replica.Open(ctx, srv.db, replica.Options{ReadOnly: true, Migrations: registry.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	tx, err = db.SQL().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	return tx, func() {
		tx.Rollback()
		db.Close()
	}
}

// assertIntact runs PRAGMA integrity_check on each file. A PostgreSQL
// store among them is left out: PostgreSQL keeps its pages whole.
func assertIntact(t *testing.T, paths ...string) {
	t.Helper()
	for _, path := range paths {
		if syncengine.IsPostgres(path) {
			continue
		}
		db := openRO(t, path)
		rows, err := db.Query(`PRAGMA integrity_check`)
		if err != nil {
			t.Fatalf("integrity check of %s: %v", path, err)
		}
		var problems []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			problems = append(problems, s)
		}
		rows.Close()
		if len(problems) != 1 || problems[0] != "ok" {
			t.Fatalf("integrity check of %s: %s", path, strings.Join(problems, "; "))
		}
		db.Close()
	}
}

// queryRows runs a query and returns its rows as lists of values.
func queryRows(t *testing.T, db reader, query string, args ...any) [][]any {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// metaInt reads an integer of sync_meta; 0 if it is not set.
func metaInt(t *testing.T, db reader, key string) int64 {
	t.Helper()
	rows := queryRows(t, db, `SELECT value FROM sync_meta WHERE key = ?`, key)
	if len(rows) == 0 {
		return 0
	}
	n, ok := rows[0][0].(int64)
	if !ok {
		t.Fatalf("sync_meta %s is %T, want an integer", key, rows[0][0])
	}
	return n
}

// siteOf is a database's site id, as its raw 16 bytes in a string.
func siteOf(t *testing.T, db reader) string {
	t.Helper()
	rows := queryRows(t, db, `SELECT value FROM sync_meta WHERE key = 'site_id'`)
	if len(rows) != 1 {
		t.Fatal("no site id in sync_meta")
	}
	return rows[0][0].(string)
}

// logColumns are what a replica's log holds of a change, the local sequence
// number aside.
const logColumns = `s.site, l.origin_seq, l.tbl, l.row_id, l.col, l.val, l.hlc, l.base, l.cl, l.scope`

// originLog returns the log entries of one origin in sequence order.
func originLog(t *testing.T, db reader, site string) [][]any {
	t.Helper()
	return queryRows(t, db, `SELECT `+logColumns+` FROM sync_log l JOIN sync_sites s ON s.id = l.origin
		WHERE s.site = ? ORDER BY l.origin_seq`, []byte(site))
}

// assertOwnLog checks that a replica's own changes are numbered 1 to its
// recorded sequence without a gap: a local write is logged and counted in
// one transaction.
func assertOwnLog(t *testing.T, db reader) {
	t.Helper()
	own := originLog(t, db, siteOf(t, db))
	for i, e := range own {
		if e[1].(int64) != int64(i+1) {
			t.Fatalf("own change #%d is at place %d of the log", e[1], i+1)
		}
	}
	if seq := metaInt(t, db, "own_seq"); seq != int64(len(own)) {
		t.Fatalf("own_seq is %d, the log holds %d own changes", seq, len(own))
	}
}

// assertProjected checks that every domain table shows exactly the live
// rows of the cell store, with the values of their current life: a write
// and its projection are one transaction.
func assertProjected(t *testing.T, db reader) {
	t.Helper()
	for _, tbl := range schema.Tables() {
		want := map[string]map[string]any{}
		for _, r := range queryRows(t, db, `SELECT r.row_id, c.col, c.val FROM sync_rows r
			LEFT JOIN sync_cells c ON c.tbl = r.tbl AND c.row_id = r.row_id AND c.cl = r.cl
			WHERE r.tbl = ? AND r.cl % 2 = 1`, tbl.Name) {
			id := uuid.UUID([]byte(r[0].(string))).String()
			if want[id] == nil {
				want[id] = map[string]any{}
			}
			if col, ok := r[1].(string); ok {
				if _, known := tbl.Column(col); known && r[2] != nil {
					want[id][col] = r[2]
				}
			}
		}
		got := map[string]map[string]any{}
		cols := strings.Join(tbl.ColumnNames(), `", "`)
		for _, r := range queryRows(t, db, `SELECT id, "`+cols+`" FROM "`+tbl.Name+`"`) {
			row := map[string]any{}
			for i, name := range tbl.ColumnNames() {
				if r[i+1] != nil {
					row[name] = r[i+1]
				}
			}
			got[r[0].(string)] = row
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("table %s does not show the cell store:\n table %v\n cells %v", tbl.Name, got, want)
		}
	}
}
