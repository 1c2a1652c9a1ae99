package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Migration is one step of the domain database's history. Steps are applied
// in the order Migrations returns them, each in its own transaction, and
// recorded by Name so that a step is never applied twice.
type Migration struct {
	Name string
	Up   func(ctx context.Context, tx *sql.Tx) error
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the domain's migrations in order: the embedded .sql
// files, with the reference data loaded at its place in the sequence.
func Migrations() []Migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is constant
	}
	migs := []Migration{refdataMigration()}
	for _, name := range names {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("embedded migration %s: %v", name, err))
		}
		migs = append(migs, sqlMigration(strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql"), string(body)))
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].Name < migs[j].Name })
	return migs
}

func sqlMigration(name, body string) Migration {
	return Migration{Name: name, Up: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, body); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		return nil
	}}
}
