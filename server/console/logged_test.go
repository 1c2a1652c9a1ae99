package console_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"
)

// withoutActionLog makes every write of the action log fail until the
// function it returns puts the log back.
func withoutActionLog(t *testing.T, f *fixture) (restore func()) {
	t.Helper()
	rename := func(from, to string) {
		err := f.DB.Exec(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`ALTER TABLE ` + from + ` RENAME TO ` + to)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rename("server_actions", "server_actions_away")
	return func() { rename("server_actions_away", "server_actions") }
}

// TestMergeIsLoggedOrNotMade: a merge from the console and its action log
// entry commit together; when the entry cannot be written, the merge is
// not made either, and the operator is told something went wrong.
func TestMergeIsLoggedOrNotMade(t *testing.T) {
	d := mustDupFixture(t)
	c := d.login(t, "op.a")
	before, entries := d.state(t), actionCount(t, d.fixture)
	restore := withoutActionLog(t, d.fixture)
	got := c.post(t, "/duplicates/merge", url.Values{"keep": {d.thao}, "drop": {d.thao2}})
	restore()
	if got.Status != http.StatusInternalServerError {
		t.Errorf("a merge whose log entry failed: %d, want 500\n%s", got.Status, got.Body)
	}
	if d.state(t) != before || d.mergedInto(t, d.thao2) != "" || d.parent(t, "members", d.member) != d.thao2 {
		t.Error("the merge was written without its action log entry")
	}
	if n := actionCount(t, d.fixture); n != entries {
		t.Errorf("the action log holds %d entries, want %d", n, entries)
	}
}

// TestResolutionIsLoggedOrNotMade: the same for resolving a conflict.
func TestResolutionIsLoggedOrNotMade(t *testing.T) {
	f := mustConflictFixture(t)
	c := f.login(t, "op.a")
	cv := conflictOf(t, f.DB, f.thao, "poverty_status")
	before, entries, value := f.state(t), actionCount(t, f.fixture), povertyOf(t, f.DB, f.thao)
	restore := withoutActionLog(t, f.fixture)
	got := c.post(t, keepPath(cv), url.Values{"write": {"0"}})
	restore()
	if got.Status != http.StatusInternalServerError {
		t.Errorf("a resolution whose log entry failed: %d, want 500\n%s", got.Status, got.Body)
	}
	if f.state(t) != before || povertyOf(t, f.DB, f.thao) != value {
		t.Error("the resolution was written without its action log entry")
	}
	if n := actionCount(t, f.fixture); n != entries {
		t.Errorf("the action log holds %d entries, want %d", n, entries)
	}
}

// actionCount is how many entries the action log holds.
func actionCount(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.DB.SQL().QueryRow(`SELECT count(*) FROM server_actions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
