package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
)

// dialect is what differs between the SQL engines a replica's database can
// live in: SQLite, the embedded default of every replica, and PostgreSQL,
// for a server that outgrows one file (postgres.go). Everything above it —
// the merge, the log and its chain, scope checks, digests — is the same
// code for both, and the statements it sends are written once, in SQL both
// accept (PostgreSQL's connections number the "?" marks; see
// postgres_driver.go).
type dialect interface {
	// open opens the database named by source: a pool for the one
	// writing connection (nil when readOnly) and one for readers.
	open(ctx context.Context, source string, readOnly bool) (w, r *sql.DB, err error)
	// migrations are the engine's own migrations, as this engine writes
	// them, named alike in both.
	migrations() ([]Migration, error)
	// lock takes the database's write lock inside tx, before the
	// transaction reads anything: one writing transaction at a time, in
	// whatever process. It is held until tx ends.
	lock(ctx context.Context, tx *sql.Tx) error
	// columns lists the columns of table, each with its declared type.
	columns(ctx context.Context, q querier, table string) (map[string]string, error)
	// project is the argument that writes v into a domain column of
	// type colType (as columns gives it).
	project(colType string, v Value) any
	// valueMark is the mark of an argument written into a domain column
	// of type colType from a VALUES list, whose columns take their types
	// from their values (UPDATE ... FROM (VALUES ...), partial.go); false
	// if it cannot be written so.
	valueMark(colType string) (string, bool)
	// postgres reports whether this is PostgreSQL, for what only SQLite
	// can do (snapshots and states are SQLite files built inside SQLite).
	postgres() bool
	// scopedCells reports whether the cell store keys cells by their
	// row's scope first, partitioned by it (cells.go).
	scopedCells() bool
	// makePartition makes, inside tx, the cell store's partition of
	// scope unless it exists; only a store of scoped cells has any.
	makePartition(ctx context.Context, tx *sql.Tx, scope string) error
	// commitSync makes the commits of w's writing connection d, before
	// a transaction begins (see durability).
	commitSync(ctx context.Context, w *sql.DB, d durability) error
}

// dialectOf is the dialect of the database source names: a postgres:// or
// postgresql:// URL is PostgreSQL, anything else a SQLite file's path.
func dialectOf(source string) dialect {
	if IsPostgres(source) {
		return postgresDialect{}
	}
	return sqliteDialect{}
}

// IsPostgres reports whether source names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(source string) bool {
	s := strings.ToLower(source)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// sqliteDialect is SQLite, through mattn/go-sqlite3: one file, WAL, a
// single writing connection whose transactions begin IMMEDIATE, so that
// SQLite's own write lock serialises writers across processes.
type sqliteDialect struct{}

var _ dialect = sqliteDialect{}

func (sqliteDialect) postgres() bool { return false }

func (sqliteDialect) scopedCells() bool { return false }

// makePartition has nothing to make: SQLite's cell store is one table.
func (sqliteDialect) makePartition(context.Context, *sql.Tx, string) error { return nil }

func (sqliteDialect) open(ctx context.Context, path string, readOnly bool) (w, r *sql.DB, err error) {
	if !readOnly {
		if err := createPrivate(path); err != nil {
			return nil, nil, err
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	r = openSQLite(dsn(path, "&_query_only=1"))
	r.SetMaxOpenConns(8)
	if readOnly {
		return nil, r, nil
	}
	w = openSQLite(dsn(path, "&_txlock=immediate"))
	w.SetMaxOpenConns(1)
	return w, r, nil
}

func (sqliteDialect) migrations() ([]Migration, error) {
	return embeddedMigrations(engineSQL, "migrations")
}

// lock has nothing to do: the transaction began IMMEDIATE, holding
// SQLite's write lock.
func (sqliteDialect) lock(context.Context, *sql.Tx) error { return nil }

func (sqliteDialect) columns(ctx context.Context, q querier, name string) (map[string]string, error) {
	return columnTypes(ctx, q, name, `SELECT name, type FROM pragma_table_info(?)`)
}

// project writes v as it is: a SQLite column takes a value of any type.
func (sqliteDialect) project(_ string, v Value) any { return v.Any() }

// valueMark is a plain mark: a SQLite column takes a value of any type.
func (sqliteDialect) valueMark(string) (string, bool) { return "?", true }

// columnTypes runs query, which lists the columns of table and their
// types.
func columnTypes(ctx context.Context, q querier, table, query string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, query, table)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", table, err)
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var c, typ string
		if err := rows.Scan(&c, &typ); err != nil {
			return nil, fmt.Errorf("describe %s: %w", table, err)
		}
		have[c] = strings.ToLower(typ)
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("table %s does not exist: the migrations and the table declarations disagree", table)
	}
	return have, rows.Err()
}

// dsn is the data source name of path for the mattn/go-sqlite3 driver.
func dsn(path, extra string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	return u.String() + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1" +
		"&_busy_timeout=10000&_stmt_cache_size=64" + extra
}

// createPrivate creates path, if it does not exist, readable and writable
// by its owner only. SQLite gives the WAL and shared-memory files the same
// permissions as the database file.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return f.Close()
}
