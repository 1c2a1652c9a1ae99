package syncengine

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql migrations_pg/*.sql
var engineSQL embed.FS

// EngineMigrations are the engine's own migrations on SQLite, in the order
// they run before the application's: "sync/FILE" for each SQL file, then
// the ones written in Go.
func EngineMigrations() ([]Migration, error) { return sqliteDialect{}.migrations() }

// embeddedMigrations are the engine's own migrations of one dialect, whose
// SQL files are in dir: "sync/FILE" for each, then those written in Go.
// A migration both dialects need has the same name in each; some are
// PostgreSQL's alone (0005, its cells partitioned by scope; 0007, its
// references kept by the merge).
func embeddedMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	migs, err := sqlMigrations(fsys, dir, "sync/")
	if err != nil {
		return nil, err
	}
	return append(migs, Migration{Name: "sync/0003_chain_v1", Up: rechain}), nil
}

// sqlMigrations turns the .sql files of dir in fsys into migrations, in file
// name order, named prefix + file name.
func sqlMigrations(fsys fs.FS, dir, prefix string) ([]Migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var migs []Migration
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		text := string(body)
		migs = append(migs, Migration{
			Name: prefix + strings.TrimPrefix(name, dir+"/"),
			Up: func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, text)
				return err
			},
		})
	}
	return migs, nil
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	name       TEXT PRIMARY KEY,
	applied_at TEXT NOT NULL
) STRICT`

// migrate applies, in order, each migration not yet recorded, each in its
// own transaction together with its record, stamped by now (nil:
// time.Now). A crash mid-way leaves every migration either wholly applied
// and recorded or not at all. Each transaction holds the write lock and
// looks again at what is recorded, so that processes starting together on
// one database apply each migration once.
func migrate(ctx context.Context, w *sql.DB, d dialect, migs []Migration, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	// Nothing to apply is the common case: it is read, not written, so that
	// opening a database another process is writing to does not wait. (A
	// new database has no migrations table: asking it would fail, and
	// PostgreSQL would log the failure.)
	if cols, err := d.columns(ctx, w, "schema_migrations"); err == nil && len(cols) > 0 {
		if applied, err := appliedMigrations(ctx, w); err == nil && notApplied(applied, migs) == "" {
			return nil
		}
	}
	err := inWriteTx(ctx, w, d, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, migrationsTable)
		return err
	})
	if err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	applied, err := appliedMigrations(ctx, w)
	if err != nil {
		return err
	}
	for _, m := range migs {
		if applied[m.Name] {
			continue
		}
		if err := applyMigration(ctx, w, d, m, now()); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// inWriteTx runs fn in a transaction of w holding the write lock.
func inWriteTx(ctx context.Context, w *sql.DB, d dialect, fn func(tx *sql.Tx) error) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := d.lock(ctx, tx); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func applyMigration(ctx context.Context, w *sql.DB, d dialect, m Migration, at time.Time) error {
	return inWriteTx(ctx, w, d, func(tx *sql.Tx) error {
		applied, err := appliedMigrations(ctx, tx)
		if err != nil || applied[m.Name] {
			return err // another process applied it meanwhile
		}
		return runMigration(ctx, tx, m, at)
	})
}

func runMigration(ctx context.Context, tx *sql.Tx, m Migration, at time.Time) error {
	if err := m.Up(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		m.Name, at.UTC().Format(time.RFC3339))
	return err
}

func appliedMigrations(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		applied[name] = true
	}
	return applied, rows.Err()
}

// checkMigrated fails unless every migration has been applied, for a
// read-only open that must not change the file.
func checkMigrated(ctx context.Context, r *sql.DB, migs []Migration) error {
	applied, err := appliedMigrations(ctx, r)
	if err != nil {
		return fmt.Errorf("%w (is this a Hodan database?)", err)
	}
	if name := notApplied(applied, migs); name != "" {
		return fmt.Errorf("migration %s not applied yet: open the database once for writing", name)
	}
	return nil
}

// notApplied is the name of the first of migs not in applied, or "".
func notApplied(applied map[string]bool, migs []Migration) string {
	for _, m := range migs {
		if !applied[m.Name] {
			return m.Name
		}
	}
	return ""
}

// querier is what *sql.DB and *sql.Tx have in common for reads.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
