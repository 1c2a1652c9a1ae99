package bench

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"hodan/server/httpd"
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

// mustFrontEnd starts another server on s's database, with a snapshot
// cache of its own in a new directory: a server that has built no
// snapshot yet. It returns its URL.
func mustFrontEnd(b testing.TB, s *server) string {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listen: %v", err)
	}
	srv := httpd.New(httpd.Config{DB: s.DB, Registry: s.Reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SnapshotDir: b.TempDir()})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// bootstrapWay is one way a new laptop's first sync can go.
type bootstrapWay struct {
	name       string
	noSnapshot bool
	batch      int
	cold       bool // the server builds the snapshot during the timed sync
}

// BenchmarkBootstrap measures a new laptop's first sync of a whole commune
// (3,000 households, 12,000 members, 20,000 visits: 351,780 changes) over
// loopback, target < 2 s: from a snapshot the server built before (warm),
// from one it builds for this request (cold), and, as the baseline, pulled
// change by change (NoSnapshot) with the client's default batch of 1,000
// changes a request and with the server's largest, 5,000.
func BenchmarkBootstrap(b *testing.B) {
	s := mustServer(b)
	total := mustCommune(b, s)
	for _, way := range []bootstrapWay{
		{name: "snapshot/warm"},
		{name: "snapshot/cold", cold: true},
		{name: "pull/batch=1000", noSnapshot: true, batch: syncengine.DefaultBatchSize},
		{name: "pull/batch=5000", noSnapshot: true, batch: 5000},
	} {
		b.Run(way.name, func(b *testing.B) { benchBootstrap(b, s, total, way) })
	}
}

func benchBootstrap(b *testing.B, s *server, total int, way bootstrapWay) {
	l := &link{}
	var took time.Duration
	var down, snap int64
	n := 0
	var d *device
	for b.Loop() {
		b.StopTimer()
		d = mustDevice(b, s, l.Transport())
		d.Client.BatchSize, d.Client.NoSnapshot = way.batch, way.noSnapshot
		if way.cold {
			d.Client.BaseURL = mustFrontEnd(b, s)
		} else if !way.noSnapshot && n == 0 {
			mustDevice(b, s, nil).mustSync(b) // the server builds the snapshot
		}
		l.Reset()
		b.StartTimer()
		start := time.Now()
		res, err := d.Client.Sync(context.Background(), d.DB)
		took += time.Since(start)
		if err != nil || res.Pulled != total || res.SnapshotChanges != total*btoi(!way.noSnapshot) {
			b.Fatalf("bootstrap %+v of %d changes: %v", res, total, err)
		}
		_, got := l.Bytes()
		down += got
		snap += res.SnapshotBytes
		n++
	}
	b.StopTimer()
	if got, want := mustDigestOf(b, d.DB), mustDigestOf(b, s.DB); got != want {
		b.Fatalf("the new laptop's digest %s, the server's %s", got, want)
	}
	b.ReportMetric(took.Seconds()/float64(n), "s/bootstrap")
	b.ReportMetric(float64(total), "changes")
	b.ReportMetric(float64(down)/float64(n), "down-B")
	b.ReportMetric(float64(snap)/float64(n), "snapshot-B")
	b.ReportMetric(float64(total)*float64(n)/took.Seconds(), "changes/s")
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// mustDigestOf is db's digest of the commune.
func mustDigestOf(b testing.TB, db *syncengine.DB) string {
	b.Helper()
	d, err := db.Digest(context.Background(), commune)
	if err != nil {
		b.Fatalf("digest: %v", err)
	}
	return d
}
