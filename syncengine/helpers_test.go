package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The engine is tested on two tables of its own: villages (a root table
// scoped by its commune column) and people (children of villages).
var testTables = []TableSpec{
	{Name: "villages", ScopeColumn: "commune", Columns: []string{"commune", "name", "size", "area", "note"}},
	{Name: "people", ParentColumn: "village_id", ParentTable: "villages", Columns: []string{"village_id", "name", "born", "score"}},
}

var testMigrations = []Migration{{
	Name: "test/0001_domain",
	Up: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			CREATE TABLE villages (id TEXT PRIMARY KEY, commune TEXT, name TEXT, size INTEGER, area REAL, note ANY);
			CREATE TABLE people (id TEXT PRIMARY KEY, village_id TEXT, name TEXT, born INTEGER, score REAL);
			CREATE INDEX people_village ON people (village_id);`)
		return err
	},
}}

func testConfig() Config {
	return Config{Tables: testTables, Migrations: testMigrations}
}

// mustOpen opens a new replica in the test's temporary directory.
func mustOpen(t testing.TB, name string) *DB {
	t.Helper()
	return mustOpenPath(t, testSource(t, name), testConfig())
}

func mustOpenPath(t testing.TB, path string, cfg Config) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustWrite(t testing.TB, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func mustInsert(t testing.TB, db *DB, table string, values map[string]any) RowID {
	t.Helper()
	var id RowID
	mustWrite(t, db, func(tx *Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	return id
}

func mustDigest(t testing.TB, db *DB, scope string) string {
	t.Helper()
	d, err := db.Digest(context.Background(), scope)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return d
}

// allChanges reads a replica's whole log.
func allChanges(t testing.TB, db *DB) []Change {
	t.Helper()
	changes, _, err := db.ReadLog(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	return changes
}

// exchange gives dst every change src holds, as a pull would.
func exchange(t testing.TB, dst, src *DB) {
	t.Helper()
	if _, err := dst.ApplyPulled(context.Background(), allChanges(t, src), "", Cursor{}); err != nil {
		t.Fatalf("exchange: %v", err)
	}
}

// dump renders a replica's domain tables, sorted, for comparison.
func dump(t testing.TB, db *DB) string {
	t.Helper()
	return dumpSQL(t, db.SQL())
}

// dumpSQL renders the domain tables of the database q reads, sorted.
func dumpSQL(t testing.TB, q *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, spec := range testTables {
		cols := "id, " + strings.Join(spec.Columns, ", ")
		b.WriteString(dumpQuery(t, q, spec.Name, fmt.Sprintf("SELECT %s FROM %s ORDER BY id", cols, spec.Name)))
	}
	return b.String()
}

// dumpQuery renders the rows query reads, a line each after label.
func dumpQuery(t testing.TB, q *sql.DB, label, query string) string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatalf("dump %s: %v", label, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("dump %s: %v", label, err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("dump %s: %v", label, err)
		}
		fmt.Fprintf(&b, "%s %#v\n", label, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("dump %s: %v", label, err)
	}
	return b.String()
}

func newUUID() RowID { return uuid.New() }

// fixedClock is a wall clock tests move by hand.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }
