package syncengine

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"hodan/internal/pgtest"
)

// TestCellsArePartitionedByScope: on PostgreSQL the first write of a scope
// makes its partition of the cell store, named after a commune code or,
// for any other scope, after its hash; each scope's cells are in their
// partition; and the plans of a commune's digest and of the merge's read
// of a row's cells read that partition only.
func TestCellsArePartitionedByScope(t *testing.T) {
	db := mustOpenPath(t, pgtest.URL(t), testConfig()) // skips outside the PostgreSQL run
	for _, scope := range []string{"05362", "A", "Bản Ơ", "05362"} {
		mustInsert(t, db, "villages", map[string]any{"commune": scope, "name": "Bản Lác"})
	}
	q, args := db.digestQuery("05362")
	if got := cellRelations(t, db, q, args); !slices.Equal(got, []string{"sync_cells_05362"}) {
		t.Errorf("a commune's digest reads the cells of %v; want its partition only", got)
	}
	cond, args := db.cells.ofRows("05362", "villages", []RowID{uuid.New()})
	if got := cellRelations(t, db, `SELECT col FROM sync_cells WHERE `+cond, args); !slices.Equal(got, []string{"sync_cells_05362"}) {
		t.Errorf("the merge reads a row's cells from %v; want its commune's partition only", got)
	}
	parts := partitionsOf(t, db)
	if len(parts) != 3 || parts["05362"] != "sync_cells_05362" {
		t.Fatalf("partitions %v; want 3, the commune's sync_cells_05362", parts)
	}
	hashed := regexp.MustCompile(`^sync_cells__[0-9a-f]{32}$`)
	for _, scope := range []string{"A", "Bản Ơ"} {
		if !hashed.MatchString(parts[scope]) {
			t.Errorf("partition of %q is %q; want sync_cells__ and 32 hex digits", scope, parts[scope])
		}
		var n int
		if err := db.r.QueryRow(`SELECT count(*) FROM ` + quote(parts[scope])).Scan(&n); err != nil || n != 2 {
			t.Errorf("partition of %q holds %d cells (%v); want its village's 2", scope, n, err)
		}
	}
}

// partitionsOf maps each partition of the cell store to its scope.
func partitionsOf(t *testing.T, db *DB) map[string]string {
	t.Helper()
	rows, err := db.r.Query(`SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sync_cells'::regclass`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bound := regexp.MustCompile(`^FOR VALUES IN \('(.*)'\)$`)
	out := map[string]string{}
	for rows.Next() {
		var name, expr string
		if err := rows.Scan(&name, &expr); err != nil {
			t.Fatal(err)
		}
		m := bound.FindStringSubmatch(expr)
		if m == nil {
			t.Fatalf("partition %s is %s", name, expr)
		}
		out[m[1]] = name
	}
	return out
}

// cellRelations are the relations of the cell store q's plan reads.
func cellRelations(t *testing.T, db *DB, q string, args []any) []string {
	t.Helper()
	var plan string
	if err := db.r.QueryRow(`EXPLAIN (FORMAT JSON) `+q, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal([]byte(plan), &tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			if name, ok := n["Relation Name"].(string); ok && strings.HasPrefix(name, "sync_cells") {
				out = append(out, name)
			}
			for _, v := range n {
				walk(v)
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(tree)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCellsMoveToPartitions: a PostgreSQL store made before its cells were
// partitioned (migrations up to sync/0004) keeps every row and cell when
// it is opened by this version: its digests, of everything and of each
// scope, are still those of a SQLite replica of the same changes.
func TestCellsMoveToPartitions(t *testing.T) {
	url := pgtest.URL(t)
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	lite := mustOpenPath(t, filepath.Join(t.TempDir(), "lite.db"), testConfig())
	exchangeChanges(t, lite, randomHistory(t, rng, 3, 40))
	ctx := context.Background()
	w, r, err := postgresDialect{}.open(ctx, url, false)
	if err != nil {
		t.Fatal(err)
	}
	migs, err := postgresDialect{}.migrations()
	if err != nil {
		t.Fatal(err)
	}
	migs = slices.DeleteFunc(migs, func(m Migration) bool {
		return m.Name == "sync/0005_cells_by_scope.sql" || m.Name == "sync/0006_contested.sql"
	})
	if err := migrate(ctx, w, postgresDialect{}, append(migs, testMigrations...), nil); err != nil {
		t.Fatal(err)
	}
	copyRows(t, lite.r, w, `SELECT id, site FROM sync_sites`, `INSERT INTO sync_sites (id, site) VALUES (?, ?)`)
	copyRows(t, lite.r, w, `SELECT tbl, row_id, scope, cl FROM sync_rows`, `INSERT INTO sync_rows (tbl, row_id, scope, cl) VALUES (?, ?, ?, ?)`)
	copyRows(t, lite.r, w, `SELECT tbl, row_id, col, val, hlc, site, cl FROM sync_cells`,
		`INSERT INTO sync_cells (tbl, row_id, col, val, hlc, site, cl) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	w.Close()
	r.Close()
	post := mustOpenPath(t, url, testConfig())
	for _, scope := range []string{"", "A", "B"} {
		if got, want := mustDigest(t, post, scope), mustDigest(t, lite, scope); got != want {
			t.Errorf("digest of %q once migrated: %s; SQLite's %s", scope, got, want)
		}
	}
	if parts := partitionsOf(t, post); len(parts) != 2 {
		t.Errorf("partitions %v; want those of A and B", parts)
	}
}

// exchangeChanges merges changes into db, as a pull would.
func exchangeChanges(t *testing.T, db *DB, changes []Change) {
	t.Helper()
	if _, err := db.ApplyPulled(context.Background(), changes, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
}

// copyRows copies the rows query reads from src into dst with insert, a
// stored value (val) as a Value.
func copyRows(t *testing.T, src, dst *sql.DB, query, insert string) {
	t.Helper()
	rows, err := src.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals, err := scanAll(rows, len(cols))
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cols {
			if c == "val" {
				v, err := ValueOf(vals[i])
				if err != nil {
					t.Fatal(err)
				}
				vals[i] = v
			}
		}
		if _, err := dst.Exec(insert, vals...); err != nil {
			t.Fatalf("%s: %v", insert, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
