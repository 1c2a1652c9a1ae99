package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// TestCrashDuringServerMigration kills a new hodan-server serve at random
// instants of its first start, while its migrations run (the reference
// data is 24,000 rows), one to three times on the same file, then starts it
// for good. After each kill the file is intact and holds exactly the
// migrations it recorded, each whole; the server then starts, enrolls a
// laptop, and the laptop's first sync converges.
func TestCrashDuringServerMigration(t *testing.T) {
	sqliteOnly(t, "TestCrashDuringPostgresMigration")
	cr := newCrashRun(t, 4)
	dir := t.TempDir()
	ref := startServing(t, dir+"/reference.db")
	cr.scale["serve"] = ref.took()
	ref.cmd.Process.Kill()
	<-ref.exited
	names, states := migrationSteps(t, dir+"/reference.db")
	for i := 0; cr.more(); i++ {
		path := fmt.Sprintf("%s/s%d.db", dir, i)
		for k := 1 + cr.rng.Intn(3); k > 0 && cr.more(); k-- {
			p := startServing(t, path)
			landed := cr.killProc("serve", p)
			p.cmd.Process.Kill() // when it was serving before its kill
			<-p.exited
			if _, err := os.Stat(path); err == nil {
				assertIntact(t, path)
			}
			applied := assertMigrated(t, path, names, states)
			cr.count(landed, fmt.Sprintf("%d of %d migrations", applied, len(names)))
		}
		srv := startServer(t, path)
		if got := assertMigrated(t, path, names, states); got != len(names) {
			t.Fatalf("the server serves with %d of %d migrations", got, len(names))
		}
		a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
		a.add(t, "household", "--head-name", "Bùi Văn Thảo")
		a.sync(t)
		assertConverged(t, srv, lacLuong, a)
		srv.stop()
	}
}

// TestCrashDuringInit kills hodan init at random instants, while it creates
// the laptop's database (the same migrations as the server's, reference
// data included) and enrolls, once or twice on the same file with the same
// code. After each kill the file is intact and holds exactly the
// migrations it recorded; an init that exited 0 left the laptop enrolled;
// one that was killed can be run again; the laptop's first sync converges.
func TestCrashDuringInit(t *testing.T) {
	cr := newCrashRun(t, 4)
	srv := startServer(t, serverDB(t))
	ref := enrolled(t, srv, "reference", "Lò Văn Minh", lacLuong)
	names, states := migrationSteps(t, ref.db)
	for i := 0; cr.more(); i++ {
		d := newDevice(t, fmt.Sprint("d", i))
		code := srv.enroll(t, "Hà Thị Lan", lacLuong)
		st := notEnrolled
		for k := 1 + cr.rng.Intn(2); k > 0 && st == notEnrolled && cr.more(); k-- {
			p := d.start(t, "init", "--server", srv.url, "--enroll", code)
			landed := cr.killProc("init", p)
			if !landed && !p.ok() {
				// The server may commit a killed init's enrollment after
				// the kill, spending the code: initAgain deals with that.
				if st = enrollmentOf(t, d, srv); st != enrolledServer {
					t.Fatalf("hodan init, run again after a kill, failed with the laptop %s: %s", st, p)
				}
				break
			}
			if _, err := os.Stat(d.db); err == nil {
				assertIntact(t, d.db)
			}
			applied := assertMigrated(t, d.db, names, states)
			st = enrollmentOf(t, d, srv)
			if !landed && st != enrolledBoth {
				t.Fatalf("hodan init exited 0 and the laptop is %s", st)
			}
			cr.count(landed, fmt.Sprintf("%d of %d migrations, %s", applied, len(names), st))
		}
		if st != enrolledBoth {
			initAgain(t, d, srv, code)
		}
		d.add(t, "household", "--head-name", "Bùi Văn Thảo")
		d.sync(t)
		assertConverged(t, srv, lacLuong, d)
	}
}

// TestInitKilledOnceTheServerEnrolled kills hodan init at the one instant
// the random kills of TestCrashDuringInit seldom hit: the server has
// enrolled the laptop and spent the code, and the laptop has not saved its
// token. The laptop must still get enrolled on the same file.
func TestInitKilledOnceTheServerEnrolled(t *testing.T) {
	srv := startServer(t, serverDB(t))
	victims := make(chan *proc, 1)
	via := startKillingProxy(t, srv.url, syncengine.PathEnroll, victims)
	d := newDevice(t, "a")
	code := srv.enroll(t, "Lò Văn Minh", lacLuong)
	p := d.start(t, "init", "--server", via, "--enroll", code)
	victims <- p
	<-p.exited
	if !p.killed() {
		t.Fatalf("hodan init was not killed: %s", p)
	}
	assertIntact(t, d.db)
	if st := enrollmentOf(t, d, srv); st != enrolledServer {
		t.Fatalf("after the kill the laptop is %s, want %s", st, enrolledServer)
	}
	if initAgain(t, d, srv, code) {
		t.Fatal("the same code did not enroll the laptop again: the district had to revoke it and make a new code")
	}
	d.add(t, "household", "--head-name", "Bùi Văn Thảo")
	d.sync(t)
	assertConverged(t, srv, lacLuong, d)
}

// initAgain runs hodan init again, with the same code, on a laptop whose
// init was killed. If the server had enrolled the laptop before the kill,
// the code is spent: the district revokes the device and makes a new code,
// as hodan init's message says, and the laptop enrolls again on the same
// file. initAgain reports whether that was needed.
func initAgain(t *testing.T, d *device, srv *server, code string) bool {
	t.Helper()
	_, errOut, err := d.try("init", "--server", srv.url, "--enroll", code)
	if err == nil {
		return false
	}
	if st := enrollmentOf(t, d, srv); st != enrolledServer {
		t.Fatalf("hodan init, run again after a kill, with the laptop %s: %v: %s", st, err, errOut)
	}
	if !strings.Contains(errOut, "new one") {
		t.Fatalf("hodan init, run again with a spent code, does not say what to do: %s", errOut)
	}
	srv.run(t, "device", "revoke", "--db", srv.db, siteID(t, d))
	d.run(t, "init", "--server", srv.url, "--enroll", srv.enroll(t, "Hà Thị Lan", lacLuong))
	return true
}

// startKillingProxy passes requests on to a server and, when the server
// answers a request for path, kills the process it receives from victims
// instead of passing the answer on.
func startKillingProxy(t *testing.T, target, path string, victims <-chan *proc) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != path {
			return nil
		}
		p := <-victims
		p.cmd.Process.Kill()
		<-p.exited
		return errors.New("killed the client")
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// enrolled is where a laptop's enrollment stands.
type enrollState string

const (
	notEnrolled    enrollState = "not enrolled"
	enrolledServer enrollState = "enrolled on the server only"
	enrolledBoth   enrollState = "enrolled"
)

// enrollmentOf reads whether the server (its device list) and the laptop
// (its file) hold the laptop's enrollment.
func enrollmentOf(t *testing.T, d *device, srv *server) enrollState {
	t.Helper()
	site := siteID(t, d)
	if site == "" {
		return notEnrolled
	}
	server := slices.ContainsFunc(srv.devices(t), func(dev listedDevice) bool { return dev.ID == site && dev.RevokedAt == "" })
	laptop := isEnrolled(t, d)
	switch {
	case server && laptop:
		return enrolledBoth
	case server:
		return enrolledServer
	case laptop:
		t.Fatal("the laptop holds an enrollment the server does not know")
	}
	return notEnrolled
}

// siteID is the laptop's site id, or "" if its file has none yet.
func siteID(t *testing.T, d *device) string {
	t.Helper()
	if _, err := os.Stat(d.db); err != nil {
		return ""
	}
	db := openRO(t, d.db)
	defer db.Close()
	if len(queryRows(t, db, `SELECT name FROM sqlite_master WHERE name = 'sync_meta'`)) == 0 {
		return ""
	}
	rows := queryRows(t, db, `SELECT value FROM sync_meta WHERE key = 'site_id'`)
	if len(rows) == 0 {
		return ""
	}
	return uuid.UUID([]byte(rows[0][0].(string))).String()
}

// isEnrolled reports whether the laptop's file holds its enrollment.
func isEnrolled(t *testing.T, d *device) bool {
	t.Helper()
	db := openRO(t, d.db)
	defer db.Close()
	if len(queryRows(t, db, `SELECT name FROM sqlite_master WHERE name = 'client_device'`)) == 0 {
		return false
	}
	return len(queryRows(t, db, `SELECT id FROM client_device`)) == 1
}

// dbState is what a database holds that its migrations decide: its schema
// in the order it was made, and the number of rows of the tables that the
// migrations shared by both binaries made. A state after some but not all
// of a binary's own migrations is known only as a prefix of the final
// schema's names (prefix is set).
type dbState struct {
	objects []string
	rows    map[string]int64
	prefix  bool
}

// migrationSteps returns the names of the migrations a binary applied to
// the reference file at its first open, in order, and the state of a
// database after the first k of them, for k from 0 to all. The states
// after the engine's and the domain's migrations are made by applying them
// to a scratch file; the state after all of them is the reference file's.
func migrationSteps(t *testing.T, reference string) ([]string, []dbState) {
	t.Helper()
	ctx := context.Background()
	scratch, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "scratch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	var names []string
	states := []dbState{{rows: map[string]int64{}}}
	for _, m := range sharedMigrations(t) {
		tx, err := scratch.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Up(ctx, tx); err != nil {
			t.Fatalf("migration %s: %v", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		names = append(names, m.Name)
		st := dbState{objects: schemaObjects(t, scratch), rows: map[string]int64{}}
		for _, r := range queryRows(t, scratch, `SELECT name FROM sqlite_master WHERE type = 'table'`) {
			st.rows[r[0].(string)] = rowCount(t, scratch, r[0].(string))
		}
		states = append(states, st)
	}
	db := openRO(t, reference)
	defer db.Close()
	recorded := column(t, db, `SELECT name FROM schema_migrations ORDER BY rowid`)
	if len(recorded) <= len(names) || !slices.Equal(recorded[:len(names)], names) {
		t.Fatalf("the reference file recorded migrations %v; this test knows %v, then the binary's own", recorded, names)
	}
	final := schemaObjects(t, db)
	shared := states[len(states)-1]
	for range recorded[len(names)+1:] {
		states = append(states, dbState{objects: final, rows: shared.rows, prefix: true})
	}
	states = append(states, dbState{objects: final, rows: shared.rows})
	return recorded, states
}

// sharedMigrations are the engine's migrations and the domain's, named
// and ordered as replica.Open applies them.
func sharedMigrations(t *testing.T) []schema.Migration {
	t.Helper()
	engine, err := syncengine.EngineMigrations()
	if err != nil {
		t.Fatalf("the engine's migrations: %v", err)
	}
	var migs []schema.Migration
	for _, m := range engine {
		migs = append(migs, schema.Migration{Name: m.Name, Up: m.Up})
	}
	for _, m := range schema.Migrations() {
		migs = append(migs, schema.Migration{Name: "domain/" + m.Name, Up: m.Up})
	}
	return migs
}

// schemaObjects lists a database's tables, indexes and the like in the
// order they were made, leaving out the table of applied migrations.
func schemaObjects(t *testing.T, db reader) []string {
	t.Helper()
	return column(t, db, `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
		WHERE tbl_name != 'schema_migrations' ORDER BY rowid`)
}

// objectNames cuts the SQL off schemaObjects' entries.
func objectNames(objects []string) []string {
	out := make([]string, len(objects))
	for i, o := range objects {
		out[i], _, _ = strings.Cut(o, ":")
	}
	return out
}

func rowCount(t *testing.T, db reader, table string) int64 {
	t.Helper()
	return queryRows(t, db, `SELECT count(*) FROM "`+table+`"`)[0][0].(int64)
}

// assertMigrated checks that a file a binary was killed while opening, if
// it exists, holds the first k migrations, as recorded, each whole, and
// nothing of the others; its replica settings are all there or none. It
// returns k.
func assertMigrated(t *testing.T, path string, names []string, states []dbState) int {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	db := openRO(t, path)
	defer db.Close()
	var recorded []string
	if len(queryRows(t, db, `SELECT name FROM sqlite_master WHERE name = 'schema_migrations'`)) == 1 {
		recorded = column(t, db, `SELECT name FROM schema_migrations ORDER BY rowid`)
	}
	k := len(recorded)
	if k > len(names) || !slices.Equal(recorded, names[:k]) {
		t.Fatalf("%s recorded migrations %v, want a prefix of %v", path, recorded, names)
	}
	want, got := states[k], schemaObjects(t, db)
	if want.prefix {
		// A later migration of the binary's may alter a table an earlier
		// one made: only the objects' names can be compared.
		got, want.objects = objectNames(got), objectNames(want.objects[:min(len(got), len(want.objects))])
	}
	if !slices.Equal(got, want.objects) {
		t.Fatalf("%s recorded %d migrations and holds the schema\n%v\nwant\n%v", path, k, got, want.objects)
	}
	for table, n := range want.rows {
		if got := rowCount(t, db, table); got != n && table != "sync_meta" {
			t.Fatalf("%s recorded %d migrations and holds %d rows in %s, want %d", path, k, got, table, n)
		}
	}
	if k > 0 {
		keys := column(t, db, `SELECT key FROM sync_meta WHERE key IN ('site_id', 'incarnation', 'hlc', 'own_seq')`)
		if len(keys) != 0 && (len(keys) != 4 || k != len(names)) {
			t.Fatalf("%s recorded %d of %d migrations and holds replica settings %v", path, k, len(names), keys)
		}
	}
	return k
}
