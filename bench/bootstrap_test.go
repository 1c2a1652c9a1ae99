package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hodan/syncengine"
)

// mustCommune records a whole commune on a device and pushes it to the
// server: 3,000 households, 12,000 members, 20,000 visits. It returns the
// number of changes the server holds.
func mustCommune(b testing.TB, s *server) int {
	b.Helper()
	d := mustDevice(b, s, nil)
	d.Client.BatchSize = 5000
	ctx := context.Background()
	for first := 0; first < 3000; first += 100 {
		ids := mustHouseholds(b, d.DB, first, 100, 4)
		err := d.DB.Write(ctx, func(tx *syncengine.Tx) error {
			for i := 0; i < 20000/30; i++ {
				if _, err := tx.Insert("visits", visit(ids[i%len(ids)])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("record visits: %v", err)
		}
	}
	return d.mustSync(b).Pushed
}

// BenchmarkBootstrap measures a new laptop's first sync: it pulls the whole
// commune (3,000 households, 12,000 members, 20,000 visits) from the server
// over loopback (target < 2 s), with the client's default batch of 1,000
// changes a request and with the server's largest, 5,000.
func BenchmarkBootstrap(b *testing.B) {
	s := mustServer(b)
	total := mustCommune(b, s)
	for _, batch := range []int{syncengine.DefaultBatchSize, 5000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			l := &link{}
			var took time.Duration
			var down int64
			n := 0
			for b.Loop() {
				b.StopTimer()
				d := mustDevice(b, s, l.Transport())
				d.Client.BatchSize = batch
				l.Reset()
				b.StartTimer()
				start := time.Now()
				res, err := d.Client.Sync(context.Background(), d.DB)
				took += time.Since(start)
				if err != nil || res.Pulled != total {
					b.Fatalf("bootstrap pulled %d of %d changes: %v", res.Pulled, total, err)
				}
				_, got := l.Bytes()
				down += got
				n++
			}
			b.ReportMetric(took.Seconds()/float64(n), "s/bootstrap")
			b.ReportMetric(float64(total), "changes")
			b.ReportMetric(float64(down)/float64(n), "down-B")
			b.ReportMetric(float64(total)*float64(n)/took.Seconds(), "changes/s")
		})
	}
}
