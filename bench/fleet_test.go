package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hodan/internal/pgtest"
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

// mustFleetServer enrolls the devices in a new server database (in the
// PostgreSQL run, a PostgreSQL store), then starts processes processes of
// the hodan-server binary on it, so that their memory is their own. It
// returns the servers' URLs and processes, and the devices' tokens and
// signing keys; the servers' request logs go to times. With HODAN_FLEET_PROFILE=DIR the
// server writes a CPU profile of its whole run to DIR/server.pprof (and
// BenchmarkFleet one of the devices' first round of syncs to
// DIR/clients.pprof).
func mustFleetServer(b *testing.B, devices []*syncengine.DB, times *requestTimes, processes int) ([]string, []*os.Process, []string, []ed25519.PrivateKey) {
	b.Helper()
	ctx := context.Background()
	path := pgtest.Source(b, filepath.Join(b.TempDir(), "server.db"))
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
	var urls []string
	var procs []*os.Process
	for range processes {
		url, proc := startFleetServer(b, path, times)
		urls, procs = append(urls, url), append(procs, proc)
	}
	return urls, procs, tokens, keys
}

// startFleetServer starts a process of the hodan-server binary on the
// database at path and returns its URL and process.
func startFleetServer(b *testing.B, path string, times *requestTimes) (string, *os.Process) {
	args := []string{"serve", "--db", path, "--addr", "127.0.0.1:0", "--snapshot-dir", b.TempDir()}
	if dir := os.Getenv("HODAN_FLEET_PROFILE"); dir != "" {
		args = append(args, "--cpuprofile", filepath.Join(dir, "server.pprof"))
	}
	cmd := exec.Command(mustBuild(b, "hodan/server"), args...)
	cmd.Env = append(os.Environ(), "HODAN_LANG=en") // its log is read in English: "serving … on http…"
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
					times.addLogLine(lines.Text())
				}
			}()
			return m[1], cmd.Process
		}
	}
	b.Fatalf("hodan-server did not say where it listens")
	return "", nil
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

// processCPU is the CPU time, user and system, that process pid has used
// so far, from Linux's /proc (in clock ticks of 10 ms); 0 where it cannot
// be read.
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// requestTimes gathers how long each kind of request took, as the
// clients saw it (from sending to the end of the answer's body) and as the
// server logged it (its handler, middleware included), and the statuses
// the server answered.
type requestTimes struct {
	mu       sync.Mutex
	took     map[string][]time.Duration // by "client PATH" and "server PATH"
	statuses map[string]int             // the server's answers, by "PATH STATUS"
}

func newRequestTimes() *requestTimes {
	return &requestTimes{took: map[string][]time.Duration{}, statuses: map[string]int{}}
}

func (t *requestTimes) add(key string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.took[key] = append(t.took[key], d)
}

// serverRequest matches the server's request log line.
var serverRequest = regexp.MustCompile(`msg=request method=\S+ path=(\S+) status=(\d+) ms=(\d+)`)

// addLogLine records the server's log line of one request, if it is one.
func (t *requestTimes) addLogLine(line string) {
	m := serverRequest.FindStringSubmatch(line)
	if m == nil {
		return
	}
	var ms int64
	fmt.Sscan(m[3], &ms)
	t.add("server "+m[1], time.Duration(ms)*time.Millisecond)
	t.mu.Lock()
	t.statuses[m[1]+" "+m[2]]++
	t.mu.Unlock()
}

// log writes the percentiles of every kind of request to b's log.
func (t *requestTimes) log(b *testing.B) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, key := range slices.Sorted(maps.Keys(t.took)) {
		d := t.took[key]
		slices.Sort(d)
		b.Logf("%-24s n=%4d p50=%6.0f ms  p99=%6.0f ms  max=%6.0f ms", key, len(d),
			ms(d[len(d)/2]), ms(d[len(d)*99/100]), ms(d[len(d)-1]))
	}
	b.Logf("server statuses: %v", t.statuses)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// tracedTransport times one device's requests: each from sending it to
// closing its answer's body. A device sends one request at a time.
type tracedTransport struct {
	base     http.RoundTripper
	times    *requestTimes
	requests int           // sent by this device
	inHTTP   time.Duration // spent by this device waiting on them
}

func (t *tracedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	t.requests++
	if err != nil {
		t.done(req.URL.Path, start)
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func() { t.done(req.URL.Path, start) }}
	return resp, nil
}

func (t *tracedTransport) done(path string, start time.Time) {
	d := time.Since(start)
	t.inHTTP += d
	t.times.add("client "+path, d)
}

// timedBody calls done once, when the body is closed.
type timedBody struct {
	io.ReadCloser
	done func()
	once sync.Once
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// mustCPUProfile profiles this process into path until the returned
// function is called.
func mustCPUProfile(b *testing.B, path string) func() {
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); out.Close() }
}

// fleet is BenchmarkFleet's world: hodan-server processes on one
// database with its devices enrolled, and their databases. Device i syncs
// with the process urls[i % len(urls)], as a balancer would spread them.
type fleet struct {
	devices []*syncengine.DB
	urls    []string
	procs   []*os.Process
	tokens  []string
	keys    []ed25519.PrivateKey
	times   *requestTimes
}

// mustFleet opens fleetSize device databases and starts processes server
// processes with them enrolled.
func mustFleet(b *testing.B, processes int) *fleet {
	f := &fleet{devices: make([]*syncengine.DB, fleetSize), times: newRequestTimes()}
	for i := range f.devices {
		db, err := replica.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("device%d.db", i)), replica.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		f.devices[i] = db
	}
	f.urls, f.procs, f.tokens, f.keys = mustFleetServer(b, f.devices, f.times, processes)
	return f
}

// url is the server device i syncs with.
func (f *fleet) url(i int) string { return f.urls[i%len(f.urls)] }

// serversCPU is the CPU time the server processes have used so far.
func (f *fleet) serversCPU() time.Duration {
	var d time.Duration
	for _, p := range f.procs {
		d += processCPU(p.Pid)
	}
	return d
}

// serversPeakRSS is the largest peak resident memory of the servers.
func (f *fleet) serversPeakRSS() float64 {
	var most float64
	for _, p := range f.procs {
		most = max(most, peakRSS(p))
	}
	return most
}

// measure runs the fleet's rounds: each device records its work (not
// timed), prepare runs (not timed), then every device syncs at once with
// syncOne, given an HTTP client of its own that times its requests. It
// reports the metrics of BenchmarkFleet.
func (f *fleet) measure(b *testing.B, prepare func(round int), syncOne func(i int, hc *http.Client) error) {
	transport := &http.Transport{MaxIdleConnsPerHost: fleetSize}
	var latencies, local []time.Duration
	failed, round, requests := 0, 0, 0
	var serverCPU, clientsCPU time.Duration
	for b.Loop() {
		b.StopTimer()
		for i, db := range f.devices {
			mustFleetWork(b, db, i, round)
		}
		prepare(round)
		serverCPU -= f.serversCPU()
		clientsCPU -= processCPU(os.Getpid())
		stopProfile := func() {}
		if dir := os.Getenv("HODAN_FLEET_PROFILE"); dir != "" && round == 0 {
			stopProfile = mustCPUProfile(b, filepath.Join(dir, "clients.pprof"))
		}
		b.StartTimer()
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range f.devices {
			traced := &tracedTransport{base: transport, times: f.times}
			hc := &http.Client{Transport: traced, Timeout: time.Minute}
			wg.Go(func() {
				start := time.Now()
				err := syncOne(i, hc)
				took := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				latencies = append(latencies, took)
				local = append(local, took-traced.inHTTP)
				requests += traced.requests
				if err != nil {
					failed++
					b.Logf("sync: %v", err)
				}
			})
		}
		wg.Wait()
		stopProfile()
		serverCPU += f.serversCPU()
		clientsCPU += processCPU(os.Getpid())
		round++
	}
	b.StopTimer()
	time.Sleep(100 * time.Millisecond) // let the server's last log lines arrive
	f.times.log(b)
	slices.Sort(local)
	b.Logf("outside requests (client's own work) p50=%.0f ms p99=%.0f ms", ms(local[len(local)/2]), ms(local[len(local)*99/100]))
	slices.Sort(latencies)
	b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50-s")
	b.ReportMetric(latencies[len(latencies)*99/100].Seconds(), "p99-s")
	b.ReportMetric(float64(failed), "errors")
	b.ReportMetric(f.serversPeakRSS()/(1<<20), "server-peak-MiB")
	b.ReportMetric(float64(requests)/float64(len(latencies)), "requests/sync")
	b.ReportMetric(serverCPU.Seconds()/float64(round), "server-cpu-s")
	b.ReportMetric(clientsCPU.Seconds()/float64(round), "clients-cpu-s")
}

// BenchmarkFleet measures 200 devices of 20 communes syncing at once
// against one hodan-server process over loopback, each pushing a household
// with four members and two visits and pulling what the others of its
// commune pushed before it: the latency of each device's sync (p50, p99; target p99 < 1 s),
// the syncs that failed (target 0) and the server's peak resident memory.
// The devices run in this process and share its two cores with the server:
// it also reports the CPU time the server and the devices used while they
// synced (per round), which bounds the latency from below on a machine of
// few cores, the requests one sync makes and the changes it pulled, and it
// logs how long each kind of request took as the clients and the server
// saw it, and the time each sync spent outside its requests (the client's
// own work).
func BenchmarkFleet(b *testing.B) {
	f := mustFleet(b, 1)
	var pulled atomic.Int64
	f.measure(b, func(int) {}, func(i int, hc *http.Client) error {
		client := &syncengine.Client{BaseURL: f.url(i), Token: f.tokens[i], Key: f.keys[i], HTTP: hc}
		res, err := client.Sync(context.Background(), f.devices[i])
		pulled.Add(int64(res.Pulled))
		return err
	})
	b.ReportMetric(float64(pulled.Load())/float64(b.N*fleetSize), "pulled/sync")
}

// BenchmarkFleetServer is BenchmarkFleet with devices that cost the
// machine next to nothing: the same server, devices and work, and each
// device's sync makes the same requests with the same bodies as
// Client.Sync (versions, one signed push, gzipped in the compact encoding,
// pull pages in it until the last), reading every answer whole, but its
// push body is made before the clock starts and what it pulls is decoded
// and dropped, not merged into its database. In the field each laptop does that work on its own CPU;
// here 200 of them would share the server's two cores. So this is the
// server's own latency under 200 syncs at once.
//
// In the PostgreSQL run it runs again with two server processes on the
// one database, the devices spread over them (processes=2).
func BenchmarkFleetServer(b *testing.B) {
	counts := []int{1}
	if pgtest.Active() {
		counts = append(counts, 2)
	}
	for _, n := range counts {
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) { benchmarkFleetServer(b, n) })
	}
}

func benchmarkFleetServer(b *testing.B, processes int) {
	f := mustFleet(b, processes)
	devices := make([]thinDevice, fleetSize)
	var pulled atomic.Int64
	prepare := func(int) {
		for i := range devices {
			devices[i].mustPrepare(b, f.devices[i], f.keys[i])
		}
	}
	f.measure(b, prepare, func(i int, hc *http.Client) error {
		n, err := devices[i].sync(hc, f.url(i), f.tokens[i])
		pulled.Add(int64(n))
		return err
	})
	b.ReportMetric(float64(pulled.Load())/float64(b.N*fleetSize), "pulled/sync")
}

// thinDevice is what BenchmarkFleetServer keeps of a device between
// rounds: the push it will send, what the server holds of it, and its pull
// cursor.
type thinDevice struct {
	site        syncengine.SiteID
	push        []byte // gzipped JSON PushRequest
	held        uint64
	incarnation string
	cursor      syncengine.Cursor
}

// mustPrepare makes the device's next push body, as Client.Sync would to
// a server that takes the compact encoding: its changes after what the
// server holds, signed (one batch: the fleet's work is below
// DefaultBatchSize), gzipped.
func (d *thinDevice) mustPrepare(b *testing.B, db *syncengine.DB, key ed25519.PrivateKey) {
	changes, err := db.Pending(context.Background(), db.Site(), d.held, syncengine.DefaultBatchSize)
	if err != nil {
		b.Fatal(err)
	}
	req := syncengine.PushRequest{Changes: changes, Signature: syncengine.SignBatch(key, db.Site(), changes)}
	msg, err := syncengine.AppendCompactPush(nil, &req)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(msg); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	d.site, d.push = db.Site(), buf.Bytes()
}

// sync makes Client.Sync's requests and returns the changes pulled.
func (d *thinDevice) sync(hc *http.Client, url, token string) (int, error) {
	var vr syncengine.VersionsResponse
	if err := thinDo(hc, http.MethodGet, url+syncengine.PathVersions+"?rejected_after="+strconv.FormatUint(d.held, 10), token, nil, &vr); err != nil {
		return 0, err
	}
	if !slices.Contains(vr.Encodings, syncengine.EncodingCompact) {
		return 0, fmt.Errorf("the server does not take compact pushes (encodings %v)", vr.Encodings)
	}
	var pr syncengine.PushResponse
	if err := thinDo(hc, http.MethodPost, url+syncengine.PathPush, token, d.push, &pr); err != nil {
		return 0, err
	}
	d.held = pr.Versions[d.site]
	pulled := 0
	for {
		q := neturl.Values{}
		q.Set("incarnation", d.incarnation)
		q.Set("after", strconv.FormatUint(d.cursor.Seq, 10))
		q.Set("chain", d.cursor.Chain)
		q.Set("limit", strconv.Itoa(syncengine.DefaultBatchSize))
		var page syncengine.PullResponse
		if err := thinDo(hc, http.MethodGet, url+syncengine.PathPull+"?"+q.Encode(), token, nil, &page); err != nil {
			return pulled, err
		}
		pulled += len(page.Changes)
		d.incarnation, d.cursor = page.Incarnation, page.Next
		if !page.More {
			return pulled, nil
		}
	}
}

// thinDo sends one request, with body, if not nil, as a gzipped compact
// message, and decodes the answer into out: JSON, or a compact pull answer
// (asked for when out is one).
func thinDo(hc *http.Client, method, url, token string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", syncengine.MediaCompact)
		req.Header.Set("Content-Encoding", "gzip")
	}
	page, pull := out.(*syncengine.PullResponse)
	if pull {
		req.Header.Set("Accept", syncengine.AcceptPull)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %s: %s", method, req.URL.Path, resp.Status, raw)
	}
	if pull && syncengine.IsCompact(resp.Header.Get("Content-Type")) {
		*page, err = syncengine.DecodeCompactPull(raw)
		return err
	}
	return json.Unmarshal(raw, out)
}
