package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// conflictsByScan is Conflicts by its definition, as it was computed
// before the index of contested cells: the writes of every cell the log
// writes more than once, found by grouping the whole log. It is the
// oracle the index is checked against.
func conflictsByScan(ctx context.Context, db *DB, q ConflictQuery) ([]Conflict, error) {
	where, args := q.where("")
	filter := ""
	if len(where) > 0 {
		filter = " AND " + strings.Join(where, " AND ")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE l.col != ''`+filter+` AND (l.tbl, l.row_id, l.col) IN (
			SELECT tbl, row_id, col FROM sync_log WHERE col != ''`+filter+`
			GROUP BY tbl, row_id, col HAVING count(*) > 1)
		ORDER BY l.tbl, l.row_id, l.col, l.seq`, append(args, args...)...)
	if err != nil {
		return nil, err
	}
	changes, err := db.scanChanges(ctx, db.r, rows, nil)
	if err != nil {
		return nil, err
	}
	return db.conflictsOf(ctx, changes)
}

// checkContested reports how db's index of contested cells differs from
// the definition: the entries it indexes against those of the cells the
// log writes more than once, each cell's stored winner against its log
// entry, and Conflicts, of all scopes and of each of scopes, against
// conflictsByScan.
func checkContested(ctx context.Context, db *DB, scopes ...string) error {
	indexed, err := contestedSet(ctx, db, `SELECT scope, tbl, row_id, col, seq FROM sync_contested`)
	if err != nil {
		return err
	}
	defined, err := contestedSet(ctx, db, `SELECT l.scope, l.tbl, l.row_id, l.col, l.seq FROM sync_log l
		WHERE l.col != '' AND EXISTS (SELECT 1 FROM sync_log o
			WHERE o.tbl = l.tbl AND o.row_id = l.row_id AND o.col = l.col AND o.seq != l.seq)`)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(indexed, defined) {
		return fmt.Errorf("contested index holds %d entries, the log defines %d:\nindexed %v\ndefined %v", len(indexed), len(defined), indexed, defined)
	}
	var strays int
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM sync_cells c LEFT JOIN sync_log l ON l.seq = c.seq
		WHERE l.seq IS NULL OR l.tbl != c.tbl OR l.row_id != c.row_id OR l.col != c.col
		OR l.origin != c.site OR l.hlc != c.hlc OR l.cl != c.cl`).Scan(&strays)
	if err != nil {
		return err
	}
	if strays != 0 {
		return fmt.Errorf("%d stored cells name a log entry that is not their winning write", strays)
	}
	queries := []ConflictQuery{{}}
	for _, s := range scopes {
		queries = append(queries, ConflictQuery{Scopes: []string{s}})
	}
	for _, q := range queries {
		got, err := db.Conflicts(ctx, q)
		if err != nil {
			return err
		}
		want, err := conflictsByScan(ctx, db, q)
		if err != nil {
			return err
		}
		if g, w := conflictSummary(got), conflictSummary(want); !reflect.DeepEqual(g, w) {
			return fmt.Errorf("conflicts of %+v through the index:\n%v\nby a scan of the log:\n%v", q, g, w)
		}
	}
	return nil
}

// contestedSet reads (scope, table, row, column, seq) rows as strings.
func contestedSet(ctx context.Context, db *DB, query string) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var scope, table, col string
		var row []byte
		var seq uint64
		if err := rows.Scan(&scope, &table, &row, &col, &seq); err != nil {
			return nil, err
		}
		out[fmt.Sprintf("%s/%s/%x/%s/%d", scope, table, row, col, seq)] = true
	}
	return out, rows.Err()
}

func mustCheckContested(t testing.TB, db *DB, scopes ...string) {
	t.Helper()
	if err := checkContested(context.Background(), db, scopes...); err != nil {
		t.Fatal(err)
	}
}

// TestConflictsIndexMatchesFullScan builds many random logs — fresh
// replicas merging random histories in random orders and batchings, some
// changes twice, then writing on their own — and checks after every batch
// and at the end that the index of contested cells and the conflicts
// read through it are those the whole log defines.
func TestConflictsIndexMatchesFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	ctx := context.Background()
	var conflicts int
	for round := range rounds {
		changes := randomHistory(t, rng, 3, 40)
		db := mustOpen(t, fmt.Sprintf("merged%d", round))
		for _, batch := range shuffledBatches(rng, changes) {
			if _, err := db.ApplyPulled(ctx, batch, "", Cursor{}); err != nil {
				t.Fatal(err)
			}
			if err := checkContested(ctx, db, "A", "B"); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		for range 20 {
			if err := db.Write(ctx, func(tx *Tx) error { return randomWrite(tx, db, rng) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := checkContested(ctx, db, "A", "B"); err != nil {
			t.Fatalf("round %d, after local writes: %v", round, err)
		}
		found, err := db.Conflicts(ctx, ConflictQuery{})
		if err != nil {
			t.Fatal(err)
		}
		conflicts += len(found)
	}
	if conflicts == 0 {
		t.Fatal("no random log held a conflict: the comparison checked nothing")
	}
}

// TestContestedMigrationFillsTheIndex takes a replica holding conflicts
// back to the schema before the index (no sync_contested, no
// sync_cells.seq, migration 0006 not recorded), opens it again, and checks
// that the migration filled the index and the cells' entries from the log.
func TestContestedMigrationFillsTheIndex(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	// A random history holds a conflict most of the time; the migration is
	// checked on the first of them that does.
	var path string
	var db *DB
	var before []string
	for try := 0; len(before) == 0; try++ {
		if try == 20 {
			t.Fatal("20 random histories hold no conflict: the migration would be checked on nothing")
		}
		path = testSource(t, fmt.Sprintf("old%d", try))
		db = mustOpenPath(t, path, testConfig())
		if _, err := db.ApplyPulled(ctx, randomHistory(t, rng, 3, 40), "", Cursor{}); err != nil {
			t.Fatal(err)
		}
		before = conflictSummary(mustConflicts(t, db, ConflictQuery{}))
	}
	err := db.Exec(ctx, func(tx *sql.Tx) error {
		for _, stmt := range []string{`DROP TABLE sync_contested`, `ALTER TABLE sync_cells DROP COLUMN seq`,
			`DELETE FROM schema_migrations WHERE name = 'sync/0006_contested.sql'`} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenPath(t, path, testConfig())
	mustCheckContested(t, db, "A", "B")
	if after := conflictSummary(mustConflicts(t, db, ConflictQuery{})); !reflect.DeepEqual(after, before) {
		t.Fatalf("conflicts after the migration:\n%v\nbefore:\n%v", after, before)
	}
}
