package audit_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/internal/longtest"
	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/server/registry"
	"hodan/syncengine"
)

// benchSizes are the log sizes the benchmarks run at: 100k changes;
// HODAN_BENCH_LARGE=1 adds a million, HODAN_BENCH_HUGE=1 ten million
// (building those logs takes minutes).
func benchSizes() []int { return longtest.BenchSizes(100_000) }

// benchLogs are the exports built for this run, by size, shared by the
// benchmarks and removed when the last ends (see TestMain).
var benchLogs = struct {
	sync.Mutex
	dir   string
	paths map[int]string
}{paths: map[int]string{}}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchLogs.dir != "" {
		os.RemoveAll(benchLogs.dir)
	}
	os.Exit(code)
}

// benchLog returns an export of a server log of n changes, building it
// the first time: two devices enrolled with keys push signed batches of
// 1,000 changes, applied with receipts as the server applies them (without
// HTTP), a checkpoint signed every 100,000 and at the end.
func benchLog(b *testing.B, n int) string {
	b.Helper()
	benchLogs.Lock()
	defer benchLogs.Unlock()
	if p, ok := benchLogs.paths[n]; ok {
		return p
	}
	if benchLogs.dir == "" {
		dir, err := os.MkdirTemp("", "hodan-audit-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchLogs.dir = dir
	}
	ctx := context.Background()
	start := time.Now()
	db, err := replica.Open(ctx, filepath.Join(benchLogs.dir, fmt.Sprintf("server-%d.db", n)), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	reg := registry.New(db, nil)
	type dev struct {
		site syncengine.SiteID
		key  ed25519.PrivateKey
		next uint64
	}
	var devs []*dev
	for _, officer := range []string{"Lò Văn Minh", "Hà Thị Lan"} {
		code, err := reg.CreateEnrollment(ctx, officer, []string{communeA}, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		key := newKey(b)
		d := &dev{site: uuid.New(), key: key, next: 1}
		if _, _, err := reg.Enroll(ctx, code, d.site, key.Public().(ed25519.PublicKey)); err != nil {
			b.Fatal(err)
		}
		devs = append(devs, d)
	}
	hlc := syncengine.MakeHLC(time.Now().UnixMilli(), 0)
	for done := 0; done < n; {
		d := devs[(done/1000)%len(devs)]
		batch := benchBatch(d.site, d.next, min(1000, n-done), &hlc)
		d.next += uint64(len(batch))
		receipt := &syncengine.Receipt{Device: d.site, Officer: "Lò Văn Minh", Received: time.Now().UnixMilli(),
			Signature: syncengine.SignBatch(d.key, d.site, batch), Changes: syncengine.HashChanges(batch)}
		if r := db.ApplyReceivedGroup(ctx, []syncengine.Received{{Changes: batch, Receipt: receipt}}); r[0].Err != nil {
			b.Fatalf("fill the log: %v", r[0].Err)
		}
		done += len(batch)
		if done%100_000 == 0 || done == n {
			if _, err := reg.Checkpoint(ctx, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	}
	key, err := reg.PublicServerKey(ctx)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(benchLogs.dir, fmt.Sprintf("log-%d.jsonl", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := audit.Export(ctx, db, reg, key, f, time.Now()); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	b.Logf("built and exported a log of %d changes (%d MiB) in %s", n, st.Size()>>20, time.Since(start).Round(time.Millisecond))
	benchLogs.paths[n] = path
	return path
}

// benchBatch is n changes of device site from sequence number from:
// households, each created with four cells, then edited.
func benchBatch(site syncengine.SiteID, from uint64, n int, hlc *syncengine.HLC) []syncengine.Change {
	out := make([]syncengine.Change, 0, n)
	var row syncengine.RowID
	for i := range n {
		seq := from + uint64(i)
		*hlc++
		c := syncengine.Change{Site: site, Seq: seq, Table: "households", CL: 1, Scope: communeA, HLC: *hlc}
		switch seq % 6 {
		case 1:
			row = uuid.New()
		case 2:
			c.Column, c.Value = "commune_code", syncengine.Text(communeA)
		case 3:
			c.Column, c.Value = "head_name", syncengine.Text(fmt.Sprintf("Chủ hộ %d", seq))
		case 4:
			c.Column, c.Value = "head_birth_year", syncengine.Int(int64(1940+seq%60))
		case 5:
			c.Column, c.Value = "poverty_status", syncengine.Text("poor")
		case 0:
			c.Column, c.Value, c.Base = "poverty_status", syncengine.Text("near_poor"), *hlc-1
		}
		if row == (syncengine.RowID{}) {
			row = uuid.New() // a batch starting mid-household: a row of its own
		}
		c.Row = row
		out = append(out, c)
	}
	return out
}

// heapPeak samples the heap in use while it runs, until stopped, and
// returns the highest sample in MiB.
func heapPeak() (stop func() float64) {
	runtime.GC()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var peakInuse uint64
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peakInuse = max(peakInuse, ms.HeapInuse)
			select {
			case <-done:
				peak <- peakInuse
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-peak) / (1 << 20)
	}
}

// benchEach runs fn over the export of each size, reporting changes a
// second and the peak heap.
func benchEach(b *testing.B, fn func(b *testing.B, path string, n int)) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("log=%d", n), func(b *testing.B) {
			path := benchLog(b, n)
			stop := heapPeak()
			for b.Loop() {
				fn(b, path, n)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "changes/s")
			b.ReportMetric(stop(), "MiB-heap")
		})
	}
}

// BenchmarkVerify measures the verification of a whole export: every
// chain hash, every batch's device signature, every checkpoint.
func BenchmarkVerify(b *testing.B) {
	benchEach(b, func(b *testing.B, path string, n int) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		rep, err := audit.Verify(f, audit.Options{})
		if err != nil || rep.Entries != uint64(n) || rep.Covered != uint64(n) {
			b.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

// BenchmarkReplay measures the replay of a whole export into a new
// database: verification and the merge of every change.
func BenchmarkReplay(b *testing.B) {
	benchEach(b, func(b *testing.B, path string, n int) {
		b.StopTimer()
		ctx := context.Background()
		db, err := replica.Open(ctx, filepath.Join(b.TempDir(), "replay.db"), replica.Options{Migrations: registry.Migrations()})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		b.StartTimer()
		res, err := audit.Replay(ctx, f, audit.Options{}, db, 0)
		if err != nil || res.Applied != uint64(n) {
			b.Fatalf("replay: %+v, %v", res, err)
		}
	})
}

// BenchmarkDecodeOnly is the baseline: reading the export and decoding
// each line with encoding/json, as verification did before its own
// decoder of entries (decode.go), checking nothing.
func BenchmarkDecodeOnly(b *testing.B) {
	benchEach(b, func(b *testing.B, path string, n int) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		in := bufio.NewReaderSize(f, 1<<16)
		entries := 0
		for {
			line, err := in.ReadBytes('\n')
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			var r audit.Record
			if err := json.Unmarshal(line, &r); err != nil {
				b.Fatal(err)
			}
			if r.Type == audit.TypeEntry {
				entries++
			}
		}
		if entries != n {
			b.Fatalf("decoded %d entries, want %d", entries, n)
		}
	})
}
