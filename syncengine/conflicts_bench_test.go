package syncengine

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
)

// BenchmarkOpenConflictsAfterPull measures what a laptop holding a commune
// of 141,000 changes (28,200 villages of five changes each, 300 of whose
// names a colleague edited concurrently) spends counting its open
// conflicts after a sync that pulled something (150 more edits of the
// colleague, each having seen the value it replaces): the kept count is
// stale, so it is counted again. DB.OpenConflicts, through the index of
// contested cells ("index"), is measured interleaved with the same count
// as it was made before the index ("scan": the conflicts by a scan of the
// scope's log, conflictsByScan, then the count kept), each after a pull of
// its own; ×faster is their ratio.
func BenchmarkOpenConflictsAfterPull(b *testing.B) {
	const changes, edited, pulled = 141_000, 300, 150
	ctx := context.Background()
	db := mustOpen(b, "laptop")
	officer, colleague := uuid.New(), uuid.New()
	var ids []RowID
	for from := 0; from < changes; from += 5000 {
		batch := syntheticBatch(officer, uint64(from+1), 5000)
		if _, err := db.ApplyPulled(ctx, batch, "", Cursor{}); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(batch); i += 5 {
			ids = append(ids, batch[i].Row)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var seq uint64
	// edits are n of the colleague's edits of names; seen tells whether
	// their writer had seen everything before (else a concurrent edit).
	edits := func(n int, seen bool) []Change {
		out := make([]Change, n)
		for i := range out {
			seq++
			hlc := MakeHLC(1_800_000_000_000, 0) + HLC(seq)
			out[i] = Change{Table: "villages", Row: ids[rng.IntN(len(ids))], Column: "name", Value: Text("Bản Mới"),
				CL: 1, Scope: "05362", Site: colleague, Seq: seq, HLC: hlc}
			if seen {
				out[i].Base = hlc - 1
			}
		}
		return out
	}
	pull := func() {
		if _, err := db.ApplyPulled(ctx, edits(pulled, true), "", Cursor{}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ApplyPulled(ctx, edits(edited, false), "", Cursor{}); err != nil {
		b.Fatal(err)
	}
	scopes := []string{"05362"}
	var byIndex, byScan time.Duration
	var open int
	for b.Loop() {
		pull()
		start := time.Now()
		found, err := conflictsByScan(ctx, db, ConflictQuery{Scopes: scopes})
		if err != nil {
			b.Fatal(err)
		}
		head, err := db.logHead(ctx)
		if err != nil {
			b.Fatal(err)
		}
		db.keepCount(ctx, "open_conflicts 05362", head, countOpen(found))
		byScan += time.Since(start)
		pull()
		start = time.Now()
		if open, err = db.OpenConflicts(ctx, scopes); err != nil {
			b.Fatal(err)
		}
		byIndex += time.Since(start)
	}
	found, err := conflictsByScan(ctx, db, ConflictQuery{Scopes: scopes})
	if err != nil || open == 0 || open != countOpen(found) {
		b.Fatalf("%d open conflicts through the index, %d by the scan (%v)", open, countOpen(found), err)
	}
	n := float64(b.N)
	b.ReportMetric(byIndex.Seconds()*1e3/n, "index-ms/op")
	b.ReportMetric(byScan.Seconds()*1e3/n, "scan-ms/op")
	b.ReportMetric(byScan.Seconds()/byIndex.Seconds(), "×faster")
	b.ReportMetric(float64(open), "open")
}

// countOpen counts the conflicts nobody resolved.
func countOpen(found []Conflict) int {
	n := 0
	for i := range found {
		if !found[i].Resolved {
			n++
		}
	}
	return n
}
