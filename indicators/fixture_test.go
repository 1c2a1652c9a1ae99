package indicators_test

import (
	"path/filepath"
	"testing"

	"hodan/indicators/indicatorstest"
	"hodan/internal/pgtest"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	communeA = indicatorstest.CommuneA // Xã Lạc Lương
	communeB = indicatorstest.CommuneB // Xã Cẩm Giàng
)

// server is a district server's database, written through the engine,
// on a clock the test sets.
type server = indicatorstest.Server

func mustServer(t testing.TB) *server {
	t.Helper()
	return mustServerAt(t, pgtest.Source(t, filepath.Join(t.TempDir(), "server.db")))
}

// TestMain runs the indicators' tests on SQLite, then again on PostgreSQL
// when HODAN_TEST_POSTGRES names a server: mustServer keeps the server's
// store there (see package pgtest), and the states the reports read are
// built from it.
func TestMain(m *testing.M) { pgtest.Main(m) }

// mustServerAt opens (or creates) the server database at path (a file,
// or a PostgreSQL URL).
func mustServerAt(t testing.TB, path string) *server {
	t.Helper()
	return indicatorstest.Open(t, path)
}

// fixture is the story the tests' expected figures are worked out from
// by hand (see TestIndicators and indicatorstest.Story): two communes
// recorded from December 2024 to January 2026.
type fixture struct {
	*server
	h map[string]string // households by name h1…h10
}

func mustFixture(t testing.TB) *fixture {
	t.Helper()
	s := mustServer(t)
	return &fixture{server: s, h: indicatorstest.Story(s)}
}
