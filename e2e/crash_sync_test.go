package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"reflect"
	"sync"
	"testing"

	"hodan/syncengine"
)

// pushRound is how many households a laptop records between two pushes of
// the push crash test: 600 changes, 15 batches of 40.
const pushRound = 100

// TestCrashDuringPush kills the laptop's hodan sync, or the server, at
// random instants of a push of 15 batches. After each kill both databases are
// intact; the server holds every change it answered a push for, and of the
// laptop's changes exactly a gapless prefix equal to the laptop's own log
// (no batch half applied); the next sync completes and converges.
func TestCrashDuringPush(t *testing.T) {
	cr := newCrashRun(t, 4)
	for cr.more() {
		crashPushes(t, cr, pushRounds)
	}
}

// pushRounds is how many pushes one server and laptop go through before
// the push crash test starts afresh, so that the checks, which read whole
// files, take the same time in a long run.
const pushRounds = 10

// crashPushes is rounds rounds of the push crash test, on a new server and
// laptop.
func crashPushes(t *testing.T, cr *crashRun, rounds int) {
	srv := startServerProcess(t, serverDB(t))
	defer func() { srv.stop() }() // the last of the restarted servers
	proxy, via := startAckProxy(t, srv.url)
	a := newDevice(t, "a")
	a.run(t, "init", "--server", via, "--enroll", srv.enroll(t, "Lò Văn Minh", lacLuong))
	for round := 0; round < rounds && cr.more(); round++ {
		writeHouseholds(t, a, lacLuong, round*pushRound, pushRound)
		before := serverHolds(t, srv, a)
		p := a.start(t, "sync", "--batch", "40")
		victim, landed := cr.killSync("push", p, &srv)
		held := serverHolds(t, srv, a)
		cr.count(landed, victim+": "+progress(before, held, ownSeq(t, a)))
		assertIntact(t, a.db, srv.db)
		assertPushHeld(t, a, srv, proxy.ackedFor(t, a))
		assertReplica(t, a.db, srv.db)
		a.sync(t)
		assertPushHeld(t, a, srv, proxy.ackedFor(t, a))
		if got, own := serverHolds(t, srv, a), ownSeq(t, a); got != own {
			t.Fatalf("after a full sync the server holds %d of the laptop's %d changes", got, own)
		}
		assertConverged(t, srv, lacLuong, a)
	}
}

// pullHouseholds is how many households another officer's laptop gives the
// pull crash test to receive: 4,800 changes, 24 pages of 200.
const pullHouseholds = 800

// TestCrashDuringPull kills a new laptop's first hodan sync, or the server,
// at random instants while it receives another laptop's 4,800 changes.
// After each kill both databases are intact and the laptop holds exactly the
// server's log up to its pull cursor, in order (no page half applied); the
// next sync completes and converges.
func TestCrashDuringPull(t *testing.T) {
	cr := newCrashRun(t, 4)
	dir := t.TempDir()
	srv := startServerProcess(t, serverDB(t))
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	writeHouseholds(t, b, lacLuong, 0, pullHouseholds)
	b.sync(t)
	fresh := enrolled(t, srv, "fresh", "Triệu Thị Hằng", lacLuong)
	if st, err := os.Stat(fresh.db + "-wal"); err == nil && st.Size() > 0 {
		t.Fatalf("hodan left %d bytes in its write-ahead log after a clean exit; the copies below would miss them", st.Size())
	}
	head := logHead(t, srv)
	for i := 0; cr.more(); i++ {
		// Each round's laptop is a copy of one enrolled, never synced file.
		c := &device{db: fmt.Sprintf("%s/c%d.db", dir, i)}
		copyFile(t, fresh.db, c.db)
		p := c.start(t, "sync", "--batch", "200")
		victim, landed := cr.killSync("pull", p, &srv)
		cr.count(landed, victim+": "+progress(0, pullCursor(t, c), head))
		assertIntact(t, c.db, srv.db)
		assertPulledPrefix(t, c, srv)
		assertReplica(t, c.db, srv.db)
		c.sync(t)
		assertPulledPrefix(t, c, srv)
		if got := pullCursor(t, c); got != head {
			t.Fatalf("after a full sync the laptop's cursor is at %d, the server's log ends at %d", got, head)
		}
		assertConverged(t, srv, lacLuong, c)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(c.db + suffix)
		}
	}
}

// killSync kills, at a random instant of the sync p, either p or the
// server (which it then restarts on the same store and address), and says
// which it killed and whether the kill landed.
func (cr *crashRun) killSync(kind string, p *proc, srv **server) (string, bool) {
	if cr.rng.Intn(2) == 0 {
		return "hodan killed", cr.killProc(kind, p)
	}
	s := *srv
	if !cr.kill(kind, p, s.kill) {
		return "hodan-server killed", false
	}
	*srv = s.restart(s.t)
	return "hodan-server killed", true
}

// progress names how far an operation had come, from before to total,
// when it was killed at got.
func progress(before, got, total int) string {
	switch {
	case got == before:
		return "none done"
	case got == total:
		return "all done"
	default:
		return "part done"
	}
}

// writeHouseholds records n households of commune on d's database, through
// the engine in this process and in one transaction: a quick way to give a
// sync thousands of changes (6 a household) that hodan would take minutes
// to type in.
func writeHouseholds(t *testing.T, d *device, commune string, from, n int) {
	t.Helper()
	d.writeDirect(t, func(tx *syncengine.Tx) error {
		for i := from; i < from+n; i++ {
			_, err := tx.Insert("households", map[string]any{"commune_code": commune, "head_name": fmt.Sprintf("Hộ %d", i),
				"household_number": fmt.Sprint(i), "address": fmt.Sprintf("Bản %d", i%40), "notes": "ghi chú"})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// assertReplica checks, in each file, the replica's own log and that the
// domain tables show the cell store. A PostgreSQL store among them is
// left out: its tables' types are not SQLite's, and each batch is one of
// its transactions.
func assertReplica(t *testing.T, paths ...string) {
	t.Helper()
	for _, path := range paths {
		if syncengine.IsPostgres(path) {
			continue
		}
		db, done := snapshot(t, path)
		assertOwnLog(t, db)
		assertProjected(t, db)
		done()
	}
}

// ownSeq is how many changes the laptop has written.
func ownSeq(t *testing.T, d *device) int {
	t.Helper()
	db := openRO(t, d.db)
	defer db.Close()
	return int(metaInt(t, db, "own_seq"))
}

// serverHolds is how many of the laptop's changes the server's log holds.
func serverHolds(t *testing.T, srv *server, d *device) int {
	t.Helper()
	dev := openRO(t, d.db)
	defer dev.Close()
	sdb, done := serverSnapshot(t, srv)
	defer done()
	return len(originLog(t, sdb, siteOf(t, dev)))
}

// assertPushHeld checks that the server holds of the laptop's changes a
// gapless prefix, each equal to the laptop's, that its version vector says
// so, and that it holds at least what it acknowledged and what the laptop
// recorded as pushed. The server's store is read in one snapshot: the server
// may still be committing the batch of a laptop killed while it waited.
func assertPushHeld(t *testing.T, d *device, srv *server, acked uint64) {
	t.Helper()
	dev := openRO(t, d.db)
	defer dev.Close()
	sdb, done := serverSnapshot(t, srv)
	defer done()
	site := siteOf(t, dev)
	mine, held := originLog(t, dev, site), originLog(t, sdb, site)
	if len(held) > len(mine) {
		t.Fatalf("the server holds %d changes of a laptop that wrote %d", len(held), len(mine))
	}
	for i, e := range held {
		if !reflect.DeepEqual(e, mine[i]) {
			t.Fatalf("the server's change %d of the laptop is %v, the laptop's %v", i+1, e, mine[i])
		}
	}
	var version int
	for _, r := range queryRows(t, sdb, `SELECT v.seq FROM sync_versions v JOIN sync_sites s ON s.id = v.origin WHERE s.site = ?`, []byte(site)) {
		version = int(r[0].(int64))
	}
	if version != len(held) {
		refused := queryRows(t, sdb, `SELECT r.origin_seq, r.code, r.message FROM sync_rejected r JOIN sync_sites s ON s.id = r.origin
			WHERE s.site = ? ORDER BY r.origin_seq`, []byte(site))
		t.Fatalf("the server's version of the laptop is %d, its log holds %d of its changes; it refused %d: %v",
			version, len(held), len(refused), refused)
	}
	if acked > uint64(len(held)) {
		t.Fatalf("the server answered a push with #%d held, and now holds %d", acked, len(held))
	}
	if pushed := metaInt(t, dev, "pushed_seq"); pushed > int64(len(held)) {
		t.Fatalf("the laptop recorded #%d as pushed, the server holds %d", pushed, len(held))
	}
}

// logHead is the last sequence number of the server's log.
func logHead(t *testing.T, srv *server) int {
	t.Helper()
	db, done := serverSnapshot(t, srv)
	defer done()
	return int(queryRows(t, db, `SELECT coalesce(max(seq), 0) FROM sync_log`)[0][0].(int64))
}

// pullCursor is the server log sequence the laptop has pulled up to.
func pullCursor(t *testing.T, d *device) int {
	t.Helper()
	db := openRO(t, d.db)
	defer db.Close()
	return readCursor(t, db)
}

func readCursor(t *testing.T, db reader) int {
	t.Helper()
	rows := queryRows(t, db, `SELECT value FROM sync_meta WHERE key = 'pull_cursor'`)
	if len(rows) == 0 {
		return 0
	}
	var cur syncengine.Cursor
	mustJSON(t, rows[0][0].(string), &cur)
	return int(cur.Seq)
}

// assertPulledPrefix checks that the laptop holds, of others' changes,
// exactly the server's log up to the laptop's pull cursor in the laptop's
// communes, in the server's order.
func assertPulledPrefix(t *testing.T, d *device, srv *server) {
	t.Helper()
	dev := openRO(t, d.db)
	defer dev.Close()
	sdb, done := serverSnapshot(t, srv)
	defer done()
	site := []byte(siteOf(t, dev))
	const q = `SELECT ` + logColumns + ` FROM sync_log l JOIN sync_sites s ON s.id = l.origin WHERE s.site != ? `
	got := queryRows(t, dev, q+`ORDER BY l.seq`, site)
	want := queryRows(t, sdb, q+`AND l.seq <= ? AND l.scope = ? ORDER BY l.seq`, site, readCursor(t, dev), lacLuong)
	if len(got) != len(want) {
		t.Fatalf("the laptop holds %d changes of others, the server's log up to its cursor %d", len(got), len(want))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the laptop's log of others' changes differs from the server's up to its cursor")
	}
}

// ackProxy passes requests on to a server and notes, for each site, the
// highest sequence number the server said it held in a push answer, so that
// a test can check the server still holds it after a crash.
type ackProxy struct {
	mu    sync.Mutex
	acked map[syncengine.SiteID]uint64
}

func startAckProxy(t *testing.T, target string) (*ackProxy, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &ackProxy{acked: map[syncengine.SiteID]uint64{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = p.note
	rp.ErrorLog = log.New(io.Discard, "", 0) // a killed server is expected here
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *ackProxy) note(resp *http.Response) error {
	if resp.Request.URL.Path != syncengine.PathPush || resp.StatusCode != http.StatusOK {
		return nil
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read push answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	var body io.Reader = bytes.NewReader(raw)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		if body, err = gzip.NewReader(body); err != nil {
			return fmt.Errorf("read push answer: %w", err)
		}
	}
	var pr syncengine.PushResponse
	if err := json.NewDecoder(body).Decode(&pr); err != nil {
		return fmt.Errorf("read push answer: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for site, v := range pr.Versions {
		p.acked[site] = max(p.acked[site], v)
	}
	return nil
}

// ackedFor is the highest sequence number of d's changes the server has
// acknowledged.
func (p *ackProxy) ackedFor(t *testing.T, d *device) uint64 {
	t.Helper()
	db := openRO(t, d.db)
	defer db.Close()
	site := syncengine.SiteID([]byte(siteOf(t, db)))
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.acked[site]
}
