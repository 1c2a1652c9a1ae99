package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	communeA = "05362" // Xã Lạc Lương
	communeB = "02008" // Xã Cẩm Giàng
)

// clock is the server's wall clock, for the registry and the HTTP server
// alike: real time, but strictly increasing by at least a millisecond a
// reading, so that an instant read between two requests separates what
// the server took before it from what it took after.
type clock struct {
	mu   sync.Mutex
	last time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := time.Now().Truncate(time.Millisecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Millisecond)
	}
	c.last = t
	return t
}

// district is a real district server: the Echo server over httptest, on a
// real SQLite file.
type district struct {
	t     *testing.T
	dir   string
	URL   string
	DB    *syncengine.DB
	Reg   *registry.Registry
	Clock *clock
}

func mustDistrict(t *testing.T) *district {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := replica.Open(ctx, filepath.Join(dir, "server.db"), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		t.Fatalf("open server database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{}
	reg := registry.New(db, clk.now)
	h := httpd.New(httpd.Config{DB: db, Registry: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clk.now, DeviceRate: -1}).Handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &district{t: t, dir: dir, URL: srv.URL, DB: db, Reg: reg, Clock: clk}
}

// laptop is a field device: its own replica and a client with its key.
type laptop struct {
	Name     string
	DB       *syncengine.DB
	Client   *syncengine.Client
	Communes []string
}

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// frozenClock is a laptop's wall clock that stands still until it is let
// go: writes on two laptops frozen at the same instant, having seen the
// same writes, get the same stamp.
type frozenClock struct {
	mu     sync.Mutex
	at     time.Time
	frozen bool
}

func (c *frozenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now()
}

func (c *frozenClock) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = false
}

// mustLaptop opens a new device database and enrolls it for communes.
func (d *district) mustLaptop(name, officer string, communes ...string) *laptop {
	d.t.Helper()
	return d.mustLaptopAt(nil, name, officer, communes...)
}

// mustLaptopAt is mustLaptop with the laptop's wall clock (nil: time.Now).
func (d *district) mustLaptopAt(now func() time.Time, name, officer string, communes ...string) *laptop {
	d.t.Helper()
	db, err := replica.Open(context.Background(), filepath.Join(d.dir, name+".db"), replica.Options{Now: now})
	if err != nil {
		d.t.Fatalf("open %s: %v", name, err)
	}
	d.t.Cleanup(func() { db.Close() })
	l := &laptop{Name: name, DB: db, Communes: communes}
	d.enroll(l, officer, newKey(d.t))
	return l
}

// enroll enrolls l (again) with key, for its communes.
func (d *district) enroll(l *laptop, officer string, key ed25519.PrivateKey) {
	d.t.Helper()
	ctx := context.Background()
	code, err := d.Reg.CreateEnrollment(ctx, officer, l.Communes, time.Hour)
	if err != nil {
		d.t.Fatalf("create enrollment: %v", err)
	}
	l.Client = &syncengine.Client{BaseURL: d.URL, Key: key}
	er, err := l.Client.Enroll(ctx, code, l.DB.Site())
	if err != nil {
		d.t.Fatalf("enroll %s: %v", l.Name, err)
	}
	l.Client.Token = er.Token
}

func (l *laptop) mustSync(t testing.TB) {
	t.Helper()
	if _, err := l.Client.Sync(context.Background(), l.DB); err != nil {
		t.Fatalf("sync %s: %v", l.Name, err)
	}
}

// write runs fn in one transaction of l's database; a row l does not hold
// (yet, or any more) makes the write a no-op.
func (l *laptop) write(t testing.TB, fn func(tx *syncengine.Tx) error) {
	t.Helper()
	err := l.DB.Write(context.Background(), fn)
	if err != nil && !errors.Is(err, syncengine.ErrNotFound) {
		t.Fatalf("write on %s: %v", l.Name, err)
	}
}

func (l *laptop) mustInsert(t testing.TB, table string, values map[string]any) syncengine.RowID {
	t.Helper()
	var id syncengine.RowID
	l.write(t, func(tx *syncengine.Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	return id
}

func (l *laptop) set(t testing.TB, table string, id syncengine.RowID, values map[string]any) {
	t.Helper()
	l.write(t, func(tx *syncengine.Tx) error { return tx.Update(table, id, values) })
}

func household(commune, head string) map[string]any {
	return map[string]any{"commune_code": commune, "head_name": head, "head_birth_year": int64(1979),
		"head_sex": "male", "ethnicity_code": "02", "poverty_status": "poor"}
}

func member(h syncengine.RowID, name string) map[string]any {
	return map[string]any{"household_id": h.String(), "full_name": name, "birth_year": int64(2003),
		"sex": "female", "relation": "child"}
}

func visit(h syncengine.RowID, notes string) map[string]any {
	return map[string]any{"household_id": h.String(), "officer": "Lò Văn Minh", "visit_date": "2026-11-23",
		"purpose": "poverty_review", "notes": notes}
}

func support(h syncengine.RowID, amount int64) map[string]any {
	return map[string]any{"household_id": h.String(), "program": "ntp_1719", "kind": "house_repair", "amount_vnd": amount}
}

// scenario is a district after a randomized, seeded workload of four
// laptops, with what the tests check it against.
type scenario struct {
	*district
	Laptops []*laptop
	// Export is the log exported at the end.
	Export []byte
	// Mid is an instant in the middle of the run, and MidDigest the
	// digest of a copy of the server's database taken at that instant.
	Mid       time.Time
	MidDigest string
	// Watched is the household whose poverty_status was written three
	// times by two laptops, the last two concurrently; Other another
	// household of the same commune, by the same laptops.
	Watched, Other syncengine.RowID
	// WatchedRows are the members, visits and support records of Watched.
	WatchedRows map[syncengine.RowID]string
}

// seed is the workload's seed: HODAN_AUDIT_SEED, or 1.
func seed(t *testing.T) uint64 {
	s, err := strconv.ParseUint(os.Getenv("HODAN_AUDIT_SEED"), 10, 64)
	if err != nil {
		s = 1
	}
	t.Logf("workload seed %d (set HODAN_AUDIT_SEED to change it)", s)
	return s
}

// mustScenario runs the workload: four laptops in two communes, one of
// them revoked and enrolled again with a new key half way, inserting,
// editing, deleting and re-creating households and their members, visits
// and support, editing the same fields concurrently, syncing at random
// points; the server signs checkpoints at random points and at the end.
func mustScenario(t *testing.T, steps int) *scenario {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed(t), 0x4a0d))
	s := &scenario{district: mustDistrict(t), WatchedRows: map[syncengine.RowID]string{}}
	// a and d start with their clocks standing still, so that their
	// concurrent edits of the watched household get the same stamp: the
	// merge breaks the tie by site, and the history must list them so.
	frozen := &frozenClock{at: time.Now(), frozen: true}
	a := s.mustLaptopAt(frozen.now, "a", "Lò Văn Minh", communeA)
	b := s.mustLaptop("b", "Hà Thị Lan", communeA)
	c := s.mustLaptop("c", "Nông Văn Dũng", communeB)
	d := s.mustLaptopAt(frozen.now, "d", "Triệu Thị Hồng", communeA, communeB)
	s.Laptops = []*laptop{a, b, c, d}

	// The watched household: created by a, its poverty_status set by a,
	// then concurrently by a and d, the two of them having seen the first
	// edit.
	s.Watched = a.mustInsert(t, "households", household(communeA, "Lường Văn Thắng"))
	s.WatchedRows[a.mustInsert(t, "members", member(s.Watched, "Lường Thị Hoa"))] = "members"
	s.WatchedRows[a.mustInsert(t, "visits", visit(s.Watched, "nhà tạm"))] = "visits"
	s.WatchedRows[a.mustInsert(t, "support_records", support(s.Watched, 40_000_000))] = "support_records"
	s.Other = d.mustInsert(t, "households", household(communeA, "Hà Văn Nam"))
	d.mustInsert(t, "members", member(s.Other, "Hà Thị Nga"))
	a.mustSync(t)
	d.mustSync(t)
	a.mustSync(t)
	a.set(t, "households", s.Watched, map[string]any{"poverty_status": "near_poor"})
	a.mustSync(t)
	d.mustSync(t)
	d.set(t, "households", s.Watched, map[string]any{"poverty_status": "poor"})
	a.set(t, "households", s.Watched, map[string]any{"poverty_status": "escaped_poverty"})
	a.mustSync(t)
	d.mustSync(t)
	frozen.release()

	// The households the random workload works on, by commune (the
	// watched ones are left alone).
	homes := map[string][]syncengine.RowID{}
	statuses := []string{"poor", "near_poor", "escaped_poverty"}
	pick := func(l *laptop) (string, syncengine.RowID, bool) {
		commune := l.Communes[rng.IntN(len(l.Communes))]
		if len(homes[commune]) == 0 {
			return commune, syncengine.RowID{}, false
		}
		return commune, homes[commune][rng.IntN(len(homes[commune]))], true
	}
	checkpoint := func() {
		if _, err := s.Reg.Checkpoint(ctx, s.Clock.now()); err != nil {
			t.Fatalf("checkpoint: %v", err)
		}
	}
	for step := range steps {
		if step == steps/3 {
			// b is revoked (its laptop lost, say) and enrolled again with a
			// new key; what it wrote meanwhile is pushed under the new key.
			b.mustSync(t)
			if _, err := s.Reg.Revoke(ctx, b.DB.Site().String()); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			b.mustInsert(t, "households", household(communeA, "Đinh Văn Khoa"))
			s.enroll(b, "Hà Thị Lan", newKey(t))
		}
		if step == steps/2 {
			s.Mid = s.Clock.now()
			s.MidDigest = s.copyDigest(fmt.Sprintf("mid-%d.db", step))
		}
		l := s.Laptops[rng.IntN(len(s.Laptops))]
		commune, h, ok := pick(l)
		switch op := rng.IntN(100); {
		case op < 15 || !ok:
			h = l.mustInsert(t, "households", household(commune, fmt.Sprintf("Chủ hộ %d", step)))
			if h != (syncengine.RowID{}) {
				homes[commune] = append(homes[commune], h)
			}
		case op < 25:
			l.mustInsert(t, "members", member(h, fmt.Sprintf("Thành viên %d", step)))
		case op < 32:
			l.mustInsert(t, "visits", visit(h, fmt.Sprintf("lần thăm %d", step)))
		case op < 37:
			l.mustInsert(t, "support_records", support(h, int64(1+rng.IntN(50))*1_000_000))
		case op < 52:
			l.set(t, "households", h, map[string]any{"poverty_status": statuses[rng.IntN(len(statuses))],
				"head_birth_year": int64(1950 + rng.IntN(50))})
		case op < 60:
			// The same field, concurrently, on two laptops of the commune.
			for _, o := range s.Laptops {
				if o != l && slices.Contains(o.Communes, commune) {
					l.set(t, "households", h, map[string]any{"head_name": fmt.Sprintf("Tên %d (%s)", step, l.Name)})
					o.set(t, "households", h, map[string]any{"head_name": fmt.Sprintf("Tên %d (%s)", step, o.Name)})
					l.mustSync(t)
					o.mustSync(t)
					break
				}
			}
		case op < 66:
			l.write(t, func(tx *syncengine.Tx) error { return tx.Delete("households", h) })
		case op < 70:
			// Re-created: the household entered again, as a new record.
			homes[commune] = append(homes[commune], l.mustInsert(t, "households", household(commune, fmt.Sprintf("Lại %d", step))))
		case op < 95:
			l.mustSync(t)
		default:
			checkpoint()
		}
	}
	for range 2 {
		for _, l := range s.Laptops {
			l.mustSync(t)
		}
	}
	checkpoint()
	var buf bytes.Buffer
	if _, err := audit.Export(ctx, s.DB, s.Reg, s.mustServerKey(), &buf, s.Clock.now()); err != nil {
		t.Fatalf("export: %v", err)
	}
	s.Export = buf.Bytes()
	return s
}

func (d *district) mustServerKey() ed25519.PublicKey {
	d.t.Helper()
	key, err := d.Reg.PublicServerKey(context.Background())
	if err != nil || key == nil {
		d.t.Fatalf("server key: %v %v", key, err)
	}
	return key
}

// copyDigest copies the server's database as it stands (VACUUM INTO) and
// returns the digest of the copy.
func (d *district) copyDigest(name string) string {
	d.t.Helper()
	ctx := context.Background()
	path := filepath.Join(d.dir, name)
	// A connection of its own: the engine's reading pool is query-only.
	conn, err := sql.Open("sqlite3", filepath.Join(d.dir, "server.db"))
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		d.t.Fatalf("copy the server database: %v", err)
	}
	cp, err := replica.Open(ctx, path, replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		d.t.Fatalf("open the copy: %v", err)
	}
	defer cp.Close()
	digest, err := cp.Digest(ctx, "")
	if err != nil {
		d.t.Fatalf("digest the copy: %v", err)
	}
	return digest
}
