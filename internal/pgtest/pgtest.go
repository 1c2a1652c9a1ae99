// Package pgtest runs a package's tests against both stores hodan-server
// can keep its data in: SQLite, always, and PostgreSQL when
// HODAN_TEST_POSTGRES names a server (a postgres:// URL of a role that may
// create databases).
//
// Main runs the tests once on SQLite and, with HODAN_TEST_POSTGRES set,
// once more on PostgreSQL; during the second run Active is true and the
// package's helpers open their stores at URLs from URL instead of files.
// The second run creates a database of its own, with a unique name, and
// drops it at the end; each store is a schema of it (a store is named by
// its URL, and the URL sets search_path), so that a test may make many
// replicas cheaply. Without HODAN_TEST_POSTGRES the PostgreSQL run is
// skipped with a line that says why, except under CI (CI set), where it
// fails: the CI script starts a server.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver, as "pgx"
)

// EnvServer names the PostgreSQL server the tests may use.
const EnvServer = "HODAN_TEST_POSTGRES"

// envActive is set, in the test process, while the PostgreSQL run runs.
const envActive = "HODAN_TEST_STORE_POSTGRES"

// Main runs m on SQLite, then, when HODAN_TEST_POSTGRES is set, on
// PostgreSQL, and exits with the first failure's code.
func Main(m *testing.M) {
	code := m.Run()
	server := os.Getenv(EnvServer)
	switch {
	case code != 0:
	case server == "" && os.Getenv("CI") != "":
		fmt.Fprintln(os.Stderr, "pgtest: CI is set and "+EnvServer+" is not set: the PostgreSQL run cannot run")
		code = 1
	case server == "":
		fmt.Fprintln(os.Stderr, "pgtest: "+EnvServer+" is not set: the tests ran on SQLite only (set it to a postgres:// URL to run them on PostgreSQL too)")
	default:
		code = runPostgres(m, server)
	}
	os.Exit(code)
}

func runPostgres(m *testing.M, server string) int {
	db, err := newDatabase(server)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		return 1
	}
	defer db.drop()
	os.Setenv(envActive, db.url)
	defer os.Unsetenv(envActive)
	fmt.Fprintf(os.Stderr, "pgtest: the same tests on PostgreSQL (database %s)\n", db.name)
	return m.Run()
}

// Active reports whether the tests run on PostgreSQL now.
func Active() bool { return os.Getenv(envActive) != "" }

// URL returns the URL of a new, empty store for the test (a schema of the
// run's database), dropped when the test ends. Outside the PostgreSQL run
// it skips the test.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(envActive)
	if base == "" {
		t.Skip("not the PostgreSQL run")
	}
	schema := "s_" + randomHex(8)
	if err := exec(base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("pgtest: %v", err)
		}
	})
	return withParam(base, "search_path", schema)
}

// Source is where a test opens a server's store: path, a SQLite file, in
// the SQLite run, and a new store's URL in the PostgreSQL run.
func Source(t testing.TB, path string) string {
	t.Helper()
	if Active() {
		return URL(t)
	}
	return path
}

// Server returns HODAN_TEST_POSTGRES, or skips the test (fails it under
// CI) when it is not set: for a test that needs PostgreSQL whatever the
// run.
func Server(t testing.TB) string {
	t.Helper()
	s := os.Getenv(EnvServer)
	if s == "" {
		if os.Getenv("CI") != "" {
			t.Fatal(EnvServer + " is not set under CI")
		}
		t.Skip(EnvServer + " is not set: this test needs PostgreSQL")
	}
	return s
}

// Database creates a new database on the server, dropped when the test
// ends, and returns its URL: for a test that needs a whole database, as
// several processes share it.
func Database(t testing.TB) string {
	t.Helper()
	db, err := newDatabase(Server(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(db.drop)
	return db.url
}

type database struct {
	server, name, url string
}

func newDatabase(server string) (*database, error) {
	name := "hodan_test_" + randomHex(8)
	if err := exec(server, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvServer, err)
	}
	u.Path = "/" + name
	return &database{server: server, name: name, url: u.String()}, nil
}

func (d *database) drop() {
	if err := exec(d.server, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)"); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
	}
}

// exec runs stmt on a connection of its own to dsn.
func exec(dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), stmt); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(strings.Fields(stmt)[:2], " "), err)
	}
	return nil
}

func withParam(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
