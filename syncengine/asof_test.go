package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// asOfFixture is a server that took, at known instants, receipted
// batches from three devices (rows created, edited concurrently, deleted
// and re-created) and wrote some changes itself.
type asOfFixture struct {
	srv   *DB
	clock *fixedClock
	start time.Time
}

func mustAsOfFixture(t *testing.T) *asOfFixture {
	t.Helper()
	start := time.Date(2025, 12, 30, 8, 0, 0, 0, time.UTC)
	clock := &fixedClock{t: start}
	cfg := testConfig()
	cfg.Now = clock.now
	f := &asOfFixture{srv: mustOpenPath(t, testSource(t, "srv"), cfg), clock: clock, start: start}
	snap := &snapFixture{srv: f.srv}
	a1, a2, b1 := mustOpen(t, "a1"), mustOpen(t, "a2"), mustOpen(t, "b1")
	shared := mustInsert(t, a1, "villages", map[string]any{"commune": "A", "name": "thôn Chung", "size": 1})
	for round := range 3 {
		snap.record(t, a1, "A", round)
		snap.record(t, b1, "B", round)
		exchange(t, a2, a1)
		if round < 2 {
			// Two officers change one field of one village without seeing
			// each other's change; the merge order picks the winner.
			mustWrite(t, a1, func(tx *Tx) error { return tx.Update("villages", shared, map[string]any{"size": 10 + round}) })
			mustWrite(t, a2, func(tx *Tx) error { return tx.Update("villages", shared, map[string]any{"size": 20 + round}) })
		}
		if round == 1 {
			mustWrite(t, a1, func(tx *Tx) error { return tx.Delete("villages", shared) })
		}
		for i, d := range []*DB{a1, b1, a2} {
			pushAt(t, f.srv, d, start.Add(time.Duration(3*round+i)*time.Hour))
		}
		// The server's own write, taken at its clock.
		clock.t = start.Add(time.Duration(3*round+2)*time.Hour + 30*time.Minute)
		mustWrite(t, f.srv, func(tx *Tx) error {
			_, err := tx.Insert("villages", map[string]any{"commune": "B", "name": fmt.Sprintf("thôn Mới %d", round)})
			return err
		})
	}
	return f
}

// taken returns the server's log entries with the instant each was taken.
func (f *asOfFixture) taken(t *testing.T) ([]Change, []int64) {
	t.Helper()
	var changes []Change
	var times []int64
	for _, e := range mustAuditLog(t, f.srv) {
		at := e.Change.HLC.Millis()
		if e.Batch != 0 {
			r, err := f.srv.Receipt(context.Background(), e.Batch)
			if err != nil {
				t.Fatal(err)
			}
			at = r.Received
		}
		changes, times = append(changes, e.Change), append(times, at)
	}
	return changes, times
}

func mustWriteState(t *testing.T, db *DB, q StateQuery) (*sql.DB, StateInfo) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	info, err := db.WriteState(context.Background(), q, path)
	if err != nil {
		t.Fatalf("write state until %d: %v", q.Until, err)
	}
	out, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return out, info
}

// TestWriteStateIsWhatTheServerHeldThen: for every instant between the
// entries' times, the state written is, row for row, the domain tables of
// a replica that merged (by the engine's merge) exactly the entries the
// server had taken by then; and so for every instant the entries were
// written at, of those the server took.
func TestWriteStateIsWhatTheServerHeldThen(t *testing.T) {
	f := mustAsOfFixture(t)
	changes, times := f.taken(t)
	cuts := slices.Sorted(slices.Values(times))
	cuts = slices.Compact(append([]int64{cuts[0] - 1}, cuts...))
	last := cuts[len(cuts)-1]
	var written []int64
	for _, c := range changes {
		written = append(written, c.HLC.Millis())
	}
	slices.Sort(written)
	for _, q := range append(untilEach(cuts), writtenEach(last, slices.Compact(written))...) {
		// The replay is a SQLite file like the server's (mustAsOfFixture):
		// a domain column of type ANY is TEXT on PostgreSQL.
		replay := mustOpenPath(t, filepath.Join(t.TempDir(), fmt.Sprintf("replay-%d-%d.db", q.Until, q.WrittenBy)), testConfig())
		var upTo []Change
		for i, c := range changes {
			if times[i] <= q.Until && (q.WrittenBy == 0 || c.HLC.Millis() <= q.WrittenBy) {
				upTo = append(upTo, changes[i])
			}
		}
		if _, err := replay.ApplyPulled(context.Background(), upTo, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
		state, info := mustWriteState(t, f.srv, q)
		if got, want := dumpSQL(t, state), dump(t, replay); got != want {
			t.Errorf("state of %+v (%d entries):\n%s\nwant the replay's\n%s", q, len(upTo), got, want)
		}
		if want := countRows(t, replay.SQL()); info.Rows != want {
			t.Errorf("state of %+v wrote %d rows, want %d", q, info.Rows, want)
		}
	}
	// A PostgreSQL store's domain tables are typed as PostgreSQL types
	// them (a blob is not text): its whole state is the replay's, above.
	if f.srv.Postgres() {
		return
	}
	if state, _ := mustWriteState(t, f.srv, StateQuery{Until: last}); dumpSQL(t, state) != dump(t, f.srv) {
		t.Errorf("the state until the last entry is not the live domain tables")
	}
}

func countRows(t *testing.T, q *sql.DB) int64 {
	t.Helper()
	var n int64
	if err := q.QueryRow(`SELECT (SELECT count(*) FROM villages) + (SELECT count(*) FROM people)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func untilEach(cuts []int64) []StateQuery {
	var out []StateQuery
	for _, c := range cuts {
		out = append(out, StateQuery{Until: c})
	}
	return out
}

func writtenEach(until int64, cuts []int64) []StateQuery {
	var out []StateQuery
	for _, c := range cuts {
		out = append(out, StateQuery{Until: until, WrittenBy: c})
	}
	return out
}

// TestWriteStateKeepsScopesAndTables: a state of some scopes and tables
// holds the rows of those, as the whole state has them, and no table else.
func TestWriteStateKeepsScopesAndTables(t *testing.T) {
	f := mustAsOfFixture(t)
	until := f.start.Add(24 * time.Hour).UnixMilli()
	whole, _ := mustWriteState(t, f.srv, StateQuery{Until: until})
	part, _ := mustWriteState(t, f.srv, StateQuery{Until: until, Scopes: []string{"B"}, Tables: []string{"villages"}})
	rows := func(q *sql.DB, where string) []string {
		t.Helper()
		var out []string
		r, err := q.Query(`SELECT id || ' ' || name FROM villages ` + where + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	got, want := rows(part, ""), rows(whole, "WHERE commune = 'B'")
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("villages of scope B: %q, want %q", got, want)
	}
	var n int
	if err := part.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'people'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a state of villages only has a people table (%d, %v)", n, err)
	}
	if _, err := f.srv.WriteState(context.Background(), StateQuery{Until: until}, filepath.Join(t.TempDir())); err == nil {
		t.Errorf("WriteState over an existing file: no error")
	}
}

// TestLastReceipts: each device's last batch received by an instant.
func TestLastReceipts(t *testing.T) {
	f := mustAsOfFixture(t)
	want := map[SiteID]time.Time{}
	until := f.start.Add(4 * time.Hour) // the batches of the first round and one of the second
	for _, e := range mustAuditLog(t, f.srv) {
		if e.Batch == 0 {
			continue
		}
		r, err := f.srv.Receipt(context.Background(), e.Batch)
		if err != nil {
			t.Fatal(err)
		}
		if at := time.UnixMilli(r.Received); !at.After(until) && at.After(want[r.Device]) {
			want[r.Device] = at
		}
	}
	got, err := f.srv.LastReceipts(context.Background(), until.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("last receipts by %s: %v, want %v", until, got, want)
	}
}
