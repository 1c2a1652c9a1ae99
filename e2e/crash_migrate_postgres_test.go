package e2e

import (
	"fmt"
	"slices"
	"testing"
)

// TestCrashDuringPostgresMigration is TestCrashDuringServerMigration on
// PostgreSQL: a new hodan-server serve is killed at random instants of its
// first start on an empty database, while its migrations run, one to three
// times on the same database, then started for good. After each kill the
// database records a prefix of the migrations, and holds the replica's
// settings only once all are recorded; the server then starts with the
// schema and the reference data of a database that was never interrupted,
// enrolls a laptop, and the laptop's first sync converges.
func TestCrashDuringPostgresMigration(t *testing.T) {
	postgresOnly(t)
	cr := newCrashRun(t, 4)
	ref := serverDB(t)
	p := startServing(t, ref)
	cr.scale["serve"] = p.took()
	p.cmd.Process.Kill()
	<-p.exited
	names, want := pgMigrations(t, ref), pgState(t, ref)
	for cr.more() {
		db := serverDB(t)
		for k := 1 + cr.rng.Intn(3); k > 0 && cr.more(); k-- {
			p := startServing(t, db)
			landed := cr.killProc("serve", p)
			p.cmd.Process.Kill() // when it was serving before its kill
			<-p.exited
			applied := assertPGMigrated(t, db, names)
			cr.count(landed, fmt.Sprintf("%d of %d migrations", applied, len(names)))
		}
		srv := startServer(t, db)
		if got := pgState(t, db); !slices.Equal(got, want) {
			t.Fatalf("the server serves a database that differs from one migrated in one go:\n%v\nwant\n%v", got, want)
		}
		a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
		a.add(t, "household", "--head-name", "Bùi Văn Thảo")
		a.sync(t)
		assertConverged(t, srv, lacLuong, a)
		srv.stop()
	}
}

// pgMigrations returns the migrations a database recorded, in the order
// they were applied, or none before its table of migrations exists.
func pgMigrations(t *testing.T, url string) []string {
	t.Helper()
	db := openDSN(t, "pgx", url)
	defer db.Close()
	if len(column(t, db, `SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL`)) == 0 {
		return nil
	}
	return column(t, db, `SELECT name FROM schema_migrations ORDER BY applied_at, xmin::text::bigint`)
}

// pgState describes what a database's migrations decide: each column of
// each table with its type, each index, and each table's number of rows
// (the reference data) but sync_meta's, which holds a replica's settings.
func pgState(t *testing.T, url string) []string {
	t.Helper()
	db := openDSN(t, "pgx", url)
	defer db.Close()
	state := column(t, db, `SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY 1`)
	state = append(state, column(t, db, `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`)...)
	for _, table := range column(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name != 'sync_meta' ORDER BY 1`) {
		state = append(state, fmt.Sprintf("%s: %d rows", table, rowCount(t, db, table)))
	}
	return state
}

// assertPGMigrated checks that a database a server was killed while
// migrating records the first k of the migrations names, and holds the
// replica's settings only if k is all of them (they are made with the
// last). It returns k.
func assertPGMigrated(t *testing.T, url string, names []string) int {
	t.Helper()
	recorded := pgMigrations(t, url)
	k := len(recorded)
	if k > len(names) || !slices.Equal(recorded, names[:k]) {
		t.Fatalf("the database recorded migrations %v, want a prefix of %v", recorded, names)
	}
	if k > 0 {
		db := openDSN(t, "pgx", url)
		defer db.Close()
		keys := column(t, db, `SELECT key FROM sync_meta WHERE key IN ('site_id', 'incarnation', 'hlc', 'own_seq')`)
		if len(keys) != 0 && (len(keys) != 4 || k != len(names)) {
			t.Fatalf("the database recorded %d of %d migrations and holds replica settings %v", k, len(names), keys)
		}
	}
	return k
}
