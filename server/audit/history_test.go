package audit_test

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"slices"
	"testing"

	"hodan/server/audit"
	"hodan/syncengine"
)

// testHistory reads the watched household's history from the export: its
// poverty_status, written at creation, edited by a, then concurrently by a
// and d.
func testHistory(t *testing.T, s *scenario) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(s.Export)), nil }
	history := func(t *testing.T, q audit.HistoryQuery) []audit.Change {
		t.Helper()
		changes, err := audit.History(open, audit.Options{ServerKey: s.mustServerKey()}, q)
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		return changes
	}
	a, d := s.Laptops[0].DB.Site(), s.Laptops[3].DB.Site()

	all := history(t, audit.HistoryQuery{Household: s.Watched})
	seen := map[syncengine.RowID]bool{}
	for _, c := range all {
		seen[c.Row] = true
		if c.Row != s.Watched && s.WatchedRows[c.Row] != c.Table {
			t.Errorf("the history of household %s holds a change of %s %s, not one of its records", s.Watched, c.Table, c.Row)
		}
	}
	for row, table := range s.WatchedRows {
		if !seen[row] {
			t.Errorf("the history of the household lacks its %s record %s", table, row)
		}
	}
	if !slices.IsSortedFunc(all, func(x, y audit.Change) int { return cmp.Compare(x.HLC, y.HLC) }) {
		t.Errorf("the history is not in the order the changes were written")
	}

	var cell []audit.Change
	for _, c := range all {
		if c.Table == "households" && c.Column == "poverty_status" {
			cell = append(cell, c)
		}
	}
	if len(cell) != 4 {
		t.Fatalf("poverty_status: %d writes in the history, want 4 (created, edited, then two concurrent edits): %+v", len(cell), cell)
	}
	for j, c := range cell {
		switch {
		case j == 0 && c.Replaced != nil:
			t.Errorf("the first write replaced %v, want nothing", *c.Replaced)
		case j > 0 && (c.Replaced == nil || !c.Replaced.Equal(cell[j-1].Value)):
			t.Errorf("write %d (%v) replaced %v, want the write before it, %v", j, c.Value, c.Replaced, cell[j-1].Value)
		}
		if c.Received == 0 || c.Officer == "" || c.Batch == 0 {
			t.Errorf("write %d has no receipt: received %d, officer %q, batch %d", j, c.Received, c.Officer, c.Batch)
		}
	}
	loser, winner := cell[2], cell[3]
	if loser.HLC != winner.HLC {
		t.Errorf("the concurrent pair is stamped %s and %s: the fixture means them to tie", loser.HLC, winner.HLC)
	}
	for j, want := range []string{"overwritten", "overwritten", "lost_conflict", "current"} {
		if cell[j].Outcome != want {
			t.Errorf("write %d (%v): outcome %q, want %q", j, cell[j].Value, cell[j].Outcome, want)
		}
	}
	if loser.Over != winner.Seq || winner.Over != loser.Seq || cell[1].Over != 0 {
		t.Errorf("the concurrent pair: loser #%d over #%d, winner #%d over #%d; want each pointing at the other", loser.Seq, loser.Over, winner.Seq, winner.Over)
	}
	if cell[0].Device != a || cell[1].Device != a || !(loser.Device == a && winner.Device == d || loser.Device == d && winner.Device == a) {
		t.Errorf("the writers are %s %s %s %s; want a, a, then a and d", cell[0].Device, cell[1].Device, loser.Device, winner.Device)
	}
	var live string
	if err := s.DB.SQL().QueryRowContext(context.Background(), `SELECT poverty_status FROM households WHERE id = ?`, s.Watched.String()).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if winner.Value.String() != live {
		t.Errorf("the current write is %v, the server holds %q", winner.Value, live)
	}

	t.Run("column", func(t *testing.T) {
		only := history(t, audit.HistoryQuery{Household: s.Watched, Column: "poverty_status"})
		n := 0
		for _, c := range only {
			switch c.Column {
			case "poverty_status":
				n++
			case syncengine.ExistsColumn:
			default:
				t.Errorf("--column poverty_status lists a change of %s", c.Column)
			}
		}
		if n != len(cell) {
			t.Errorf("--column poverty_status lists %d writes of it, want %d", n, len(cell))
		}
	})

	t.Run("another household", func(t *testing.T) {
		other := history(t, audit.HistoryQuery{Household: s.Other})
		if len(other) == 0 {
			t.Fatal("no history for the other household")
		}
		for _, c := range other {
			if c.Row == s.Watched || s.WatchedRows[c.Row] != "" {
				t.Errorf("the other household's history holds a change of the watched one's %s %s", c.Table, c.Row)
			}
		}
	})
}
