package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// postgresDialect is PostgreSQL, through pgx's database/sql driver, for a
// server whose store outgrows one SQLite file: several hodan-server
// processes may serve one database at the same time.
//
// Writers are serialised by a transaction-level advisory lock (lock),
// taken before a writing transaction reads anything, so that the log's
// local sequence, its chain and this replica's own sequence are read and
// extended by one transaction at a time across every process, as SQLite's
// write lock does for the processes on one file. Writing transactions run
// at READ COMMITTED: once the lock is held, each statement sees everything
// committed before it. Readers run at REPEATABLE READ and read-only, so a
// read that takes several statements (a pull page and its cursor, a
// snapshot) sees one instant, as in SQLite.
//
// Every statement is planned with the values it runs with
// (plan_cache_mode=force_custom_plan): pgx prepares each statement once
// per connection, and PostgreSQL's default would, after its fifth run,
// keep a generic plan made without the values. For the merge's reads by
// lists of ids (`row_id IN (?, ?, …)`) that plan compared every row of
// sync_rows with every id of the list, a whole scan per batch; with the
// values PostgreSQL probes the index, or hashes the list. Planning on
// every run costs the planner's time, small beside the reads it saves (a
// fill of the log: 2,800 changes/s with the generic plan, 15,900 without;
// BENCHMARKS.md, "PostgreSQL, third round").
type postgresDialect struct{}

var _ dialect = postgresDialect{}

// PostgresOpenError is a PostgreSQL database that could not be opened:
// the URL (its password hidden), the server, database and role it names
// (empty when the URL could not be read), and why, for a command to say
// what to do.
type PostgresOpenError struct {
	Source, Host, Database, User string
	Err                          error
}

func (e *PostgresOpenError) Error() string {
	return fmt.Sprintf("open PostgreSQL database %s: %v", e.Source, e.Err)
}

func (e *PostgresOpenError) Unwrap() error { return e.Err }

// writeLockKey is the advisory lock every writing transaction takes
// ("hodan" in ASCII). Advisory locks are per database.
const writeLockKey = 0x686f64616e

// pgReaders is how many reading connections a process keeps at most.
const pgReaders = 16

func (postgresDialect) postgres() bool { return true }

func (postgresDialect) scopedCells() bool { return true }

func (postgresDialect) open(ctx context.Context, source string, readOnly bool) (w, r *sql.DB, err error) {
	cfg, err := pgx.ParseConfig(source)
	if err != nil {
		return nil, nil, &PostgresOpenError{Source: redactURL(source), Err: err}
	}
	r = sql.OpenDB(newPGConnector(cfg, map[string]string{
		"default_transaction_isolation": "repeatable read",
		"default_transaction_read_only": "on",
		"plan_cache_mode":               "force_custom_plan",
	}))
	r.SetMaxOpenConns(pgReaders)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		return nil, nil, &PostgresOpenError{Source: redactURL(source), Host: cfg.Host, Database: cfg.Database, User: cfg.User, Err: err}
	}
	if readOnly {
		return nil, r, nil
	}
	w = sql.OpenDB(newPGConnector(cfg, map[string]string{"plan_cache_mode": "force_custom_plan"}))
	w.SetMaxOpenConns(1)
	return w, r, nil
}

func (postgresDialect) migrations() ([]Migration, error) {
	return embeddedMigrations(engineSQL, "migrations_pg")
}

func (postgresDialect) lock(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(writeLockKey)); err != nil {
		return fmt.Errorf("take the write lock: %w", err)
	}
	return nil
}

func (postgresDialect) columns(ctx context.Context, q querier, name string) (map[string]string, error) {
	return columnTypes(ctx, q, name, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ?`)
}

// valueMark casts the argument to the column's type: a mark in a VALUES
// list would otherwise be text. A type information_schema names by a
// category (USER-DEFINED, ARRAY) cannot be cast to by that name.
func (postgresDialect) valueMark(colType string) (string, bool) {
	if !plainTypeName.MatchString(colType) {
		return "", false
	}
	return "CAST(? AS " + colType + ")", true
}

// plainTypeName matches the built-in type names information_schema gives:
// "text", "bigint", "double precision", "timestamp with time zone".
var plainTypeName = regexp.MustCompile(`^[a-z][a-z ]*$`)

// project converts v to the type of a PostgreSQL domain column. A value of
// another kind than the column's (which hodan-server refuses at the door,
// but an older schema may have let in) is converted when nothing is lost —
// a number into text as Value.String writes it, an integral float into an
// integer — and is otherwise (a blob, text holding a NUL, which
// PostgreSQL's text cannot) left out of the domain table (NULL). The cell
// store keeps the value as it came, and the digest covers it.
func (postgresDialect) project(colType string, v Value) any {
	if v.IsNull() {
		return nil
	}
	switch colType {
	case "bigint", "integer", "smallint":
		switch v.kind {
		case KindInt:
			return v.i
		case KindReal:
			if v.f == math.Trunc(v.f) && math.Abs(v.f) < 1<<53 {
				return int64(v.f)
			}
		}
		return nil
	case "double precision", "real", "numeric":
		switch v.kind {
		case KindInt:
			return float64(v.i)
		case KindReal:
			return v.f
		}
		return nil
	case "text", "character varying", "character":
		if v.kind == KindBlob || strings.IndexByte(v.s, 0) >= 0 {
			return nil // PostgreSQL's text holds no NUL
		}
		return v.String()
	case "bytea":
		if v.kind == KindText || v.kind == KindBlob {
			return []byte(v.s)
		}
		return nil
	case "boolean":
		if v.kind == KindInt {
			return v.i != 0
		}
		return nil
	}
	return v.Any()
}
