package syncengine

import (
	"testing"

	"hodan/internal/pgtest"
)

// TestMain runs the engine's tests on SQLite, then again on PostgreSQL
// when HODAN_TEST_POSTGRES names a server (see package pgtest): mustOpen
// opens each replica in the store of the run.
func TestMain(m *testing.M) { pgtest.Main(m) }

// testSource is where mustOpen opens a new replica named name: a file in
// the test's directory, or a new PostgreSQL store in the PostgreSQL run.
func testSource(t testing.TB, name string) string {
	t.Helper()
	return pgtest.Source(t, t.TempDir()+"/"+name+".db")
}

// onlySQLite skips a test in the PostgreSQL run: one about what only a
// SQLite file has (a copy of the file, a snapshot file adopted by a
// laptop), which the SQLite run covers.
func onlySQLite(t testing.TB, why string) {
	t.Helper()
	if pgtest.Active() {
		t.Skip("SQLite only: " + why)
	}
}
