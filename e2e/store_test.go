package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hodan/internal/pgtest"
)

// envStore chooses where the servers of a run keep their stores: unset (or
// "sqlite"), a SQLite file in the test's temporary directory; "postgres",
// a new database of the PostgreSQL server HODAN_TEST_POSTGRES names, for
// every server of every test. `make test` runs the package once each way
// when HODAN_TEST_POSTGRES is set.
const envStore = "HODAN_E2E_STORE"

// onPostgres reports whether this run keeps servers' stores in PostgreSQL.
func onPostgres() bool { return os.Getenv(envStore) == "postgres" }

// checkStore says what is wrong with HODAN_E2E_STORE, or "" when the run
// can keep its stores where it says.
func checkStore() string {
	switch store := os.Getenv(envStore); {
	case store != "" && store != "sqlite" && store != "postgres":
		return fmt.Sprintf("%s=%q: want sqlite or postgres", envStore, store)
	case onPostgres() && os.Getenv(pgtest.EnvServer) == "":
		return envStore + "=postgres needs " + pgtest.EnvServer + " (a postgres:// URL of a role that may create databases; bash .ci/postgres starts one)"
	}
	return ""
}

// serverDB is where a new server of the test keeps its store, given as
// --db to every hodan-server command: a new SQLite file in the test's
// temporary directory or, in the PostgreSQL run, a new database, dropped
// when the test ends.
func serverDB(t *testing.T) string {
	t.Helper()
	if onPostgres() {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "server.db")
}

// missingStore names a store like db that does not exist: a file beside
// it, or a database of the same PostgreSQL server that was never made.
func missingStore(t *testing.T, db string) string {
	t.Helper()
	if !onPostgres() {
		return db + ".missing"
	}
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	u.Path += "_missing"
	return u.String()
}

// sqliteOnly skips, in the PostgreSQL run, a test about the server's
// SQLite file; covered says what covers the same ground on PostgreSQL.
func sqliteOnly(t *testing.T, covered string) {
	t.Helper()
	if onPostgres() {
		t.Skip("about the server's SQLite file (on PostgreSQL: " + covered + ")")
	}
}

// postgresOnly skips a test of PostgreSQL alone outside the PostgreSQL run.
func postgresOnly(t *testing.T) {
	t.Helper()
	if !onPostgres() {
		t.Skip("runs in the PostgreSQL run: " + envStore + "=postgres " + pgtest.EnvServer + "=postgres://…")
	}
}

// backupStore copies a stopped server's store as an operator backs it up
// (the file, or pg_dump's copy of the database); the function it returns
// puts the copy back, the server stopped.
func backupStore(t *testing.T, db string) (restore func()) {
	t.Helper()
	if onPostgres() {
		return pgDumpBackup(t, db)
	}
	return fileBackup(t, db)
}

// fileBackup copies a stopped server's file; the function it returns puts
// the copy back.
func fileBackup(t *testing.T, db string) (restore func()) {
	t.Helper()
	backup := db + ".backup"
	copyFile(t, db, backup)
	return func() {
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Remove(db + suffix)
		}
		copyFile(t, backup, db)
	}
}

// pgDumpBackup dumps a stopped server's PostgreSQL database with pg_dump,
// as README's backups do; the function it returns drops the database,
// makes it again empty and restores the dump into it with pg_restore.
func pgDumpBackup(t *testing.T, db string) (restore func()) {
	t.Helper()
	dump := filepath.Join(t.TempDir(), "hodan.dump")
	mustRun(t, "pg_dump", "--format=custom", "--file", dump, "--dbname", db)
	return func() {
		u, err := url.Parse(db)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(u.Path, "/")
		u.Path = "/postgres"
		admin, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		for _, stmt := range []string{`DROP DATABASE ` + name + ` WITH (FORCE)`, `CREATE DATABASE ` + name} {
			if _, err := admin.ExecContext(context.Background(), stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		mustRun(t, "pg_restore", "--no-owner", "--dbname", db, dump)
	}
}

// mustRun runs a command of PostgreSQL's client tools, skipping the test
// where they are not installed.
func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (Debian's postgresql-client has it)", name)
	}
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
