package syncengine

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"hodan/internal/longtest"
)

// scaleSizes are the log sizes the scale benchmarks run at:
// HODAN_BENCH_LARGE=1 adds a million changes, HODAN_BENCH_HUGE=1 ten
// million (filling those takes minutes).
func scaleSizes() []int { return longtest.BenchSizes(10_000, 100_000) }

// mustFilledLog opens a server database whose log already holds n changes
// from one site, merged in batches of 5,000. It returns the site and the
// next sequence number it would use.
func mustFilledLog(b *testing.B, n int) (*DB, SiteID, uint64) {
	b.Helper()
	db := mustOpen(b, "server")
	site := uuid.New()
	for from := 0; from < n; from += 5000 {
		if _, err := db.ApplyPush(context.Background(), syntheticBatch(site, uint64(from+1), min(5000, n-from)), nil); err != nil {
			b.Fatalf("fill the log: %v", err)
		}
	}
	return db, site, uint64(n + 1)
}

// BenchmarkScaleMerge measures the merge of a batch of 1,000 new changes
// when the log already holds 10k, 100k (and 1M, 10M) changes: the cost
// must stay flat as the log grows. Run it with a fixed -benchtime (e.g.
// 20x) so that the log does not grow much past its size while measured.
func BenchmarkScaleMerge(b *testing.B) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("log=%d", n), func(b *testing.B) {
			db, site, next := mustFilledLog(b, n)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				batch := syntheticBatch(site, next, 1000)
				next += 1000
				b.StartTimer()
				if _, err := db.ApplyPush(ctx, batch, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "changes/s")
		})
	}
}

// BenchmarkScalePull measures a pull page of the last 1,000 changes of a
// log of 10k, 100k (and 1M, 10M) changes, from a cursor, as a device that
// synced recently asks for it: the cost must stay flat as the log grows.
func BenchmarkScalePull(b *testing.B) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("log=%d", n), func(b *testing.B) {
			db, _, _ := mustFilledLog(b, n)
			ctx := context.Background()
			after, err := cursorAt(ctx, db.r, uint64(n-1000))
			if err != nil {
				b.Fatal(err)
			}
			q := PullQuery{Incarnation: db.Incarnation(), After: after, Scopes: []string{"05362"}, Exclude: uuid.New(), Limit: 1000}
			for b.Loop() {
				page, err := db.ReadPull(ctx, q)
				if err != nil || page.Reset || len(page.Changes) != 1000 {
					b.Fatalf("pull: %d changes, reset %v, %v", len(page.Changes), page.Reset, err)
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "changes/s")
		})
	}
}
