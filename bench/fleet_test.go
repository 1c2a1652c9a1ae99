package bench

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// fleetSize is how many devices sync at once in BenchmarkFleet.
const fleetSize = 200

// fleetCommunes are the communes of a district server's group: its devices
// are spread over them, ten a commune.
var fleetCommunes = strings.Fields(`05362 00004 00008 00025 00070 00082 00091 00097 00103 00118
	00127 00136 00145 00160 00166 00175 00190 00199 00226 00229`)

// fleetCommune is the commune of device i.
func fleetCommune(i int) string { return fleetCommunes[i%len(fleetCommunes)] }

// mustFleetWork records on device i a household of four members and two
// visits to it, in three commands.
func mustFleetWork(b *testing.B, db *syncengine.DB, i, round int) {
	b.Helper()
	var h syncengine.RowID
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		values := household(round*fleetSize + i)
		values["commune_code"] = fleetCommune(i)
		var err error
		if h, err = tx.Insert("households", values); err != nil {
			return err
		}
		for j := range 4 {
			if _, err := tx.Insert("members", member(h, j)); err != nil {
				return err
			}
		}
		return nil
	})
	for range 2 {
		if err == nil {
			err = db.Write(context.Background(), func(tx *syncengine.Tx) error { _, err := tx.Insert("visits", visit(h)); return err })
		}
	}
	if err != nil {
		b.Fatalf("record: %v", err)
	}
}

// mustFleetServer enrolls n devices in a new server database, then starts
// the hodan-server binary on it, so that its memory is its own. It returns
// the server's URL and process, and the devices' tokens and signing keys.
func mustFleetServer(b *testing.B, devices []*syncengine.DB) (string, *os.Process, []string, []ed25519.PrivateKey) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "server.db")
	db, err := replica.Open(ctx, path, replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		b.Fatalf("open server database: %v", err)
	}
	reg := registry.New(db, nil)
	var tokens []string
	var keys []ed25519.PrivateKey
	for i, d := range devices {
		code, err := reg.CreateEnrollment(ctx, "Lò Văn Minh", []string{fleetCommune(i)}, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		key := newKey(b)
		token, _, err := reg.Enroll(ctx, code, d.Site(), key.Public().(ed25519.PublicKey))
		if err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, token)
		keys = append(keys, key)
	}
	db.Close()
	cmd := exec.Command(mustBuild(b, "hodan/server"), "serve", "--db", path, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start hodan-server: %v", err)
	}
	b.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	serving := regexp.MustCompile(`on (https?://\S+)`)
	for lines.Scan() {
		if m := serving.FindStringSubmatch(lines.Text()); m != nil {
			go func() { // keep reading, so that the server never blocks on its log
				for lines.Scan() {
				}
			}()
			return m[1], cmd.Process, tokens, keys
		}
	}
	b.Fatalf("hodan-server did not say where it listens")
	return "", nil, nil, nil
}

// peakRSS is the most resident memory process p has used, from Linux's
// /proc (VmHWM), in bytes; 0 where it cannot be read.
func peakRSS(p *os.Process) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		var kb float64
		if _, err := fmt.Sscanf(line, "VmHWM: %f kB", &kb); err == nil {
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkFleet measures 200 devices of 20 communes syncing at once
// against one hodan-server process over loopback, each pushing a household
// with four members and two visits and pulling what the others of its
// commune pushed before it: the latency of each device's sync (p50, p99; target p99 < 1 s),
// the syncs that failed (target 0) and the server's peak resident memory.
// The devices run in this process and share its two cores with the server.
func BenchmarkFleet(b *testing.B) {
	devices := make([]*syncengine.DB, fleetSize)
	for i := range devices {
		db, err := replica.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("device%d.db", i)), replica.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		devices[i] = db
	}
	url, proc, tokens, keys := mustFleetServer(b, devices)
	transport := &http.Transport{MaxIdleConnsPerHost: fleetSize}
	var latencies []time.Duration
	failed, round := 0, 0
	for b.Loop() {
		b.StopTimer()
		for i, db := range devices {
			mustFleetWork(b, db, i, round)
		}
		b.StartTimer()
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, db := range devices {
			client := &syncengine.Client{BaseURL: url, Token: tokens[i], Key: keys[i], HTTP: &http.Client{Transport: transport, Timeout: time.Minute}}
			wg.Go(func() {
				start := time.Now()
				_, err := client.Sync(context.Background(), db)
				took := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				latencies = append(latencies, took)
				if err != nil {
					failed++
					b.Logf("sync: %v", err)
				}
			})
		}
		wg.Wait()
		round++
	}
	slices.Sort(latencies)
	b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50-s")
	b.ReportMetric(latencies[len(latencies)*99/100].Seconds(), "p99-s")
	b.ReportMetric(float64(failed), "errors")
	b.ReportMetric(peakRSS(proc)/(1<<20), "server-peak-MiB")
}
