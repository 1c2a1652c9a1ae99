package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// pullBlocker stands between a laptop and its server and, while blocking,
// refuses every pull: the laptop's sync pushes, then fails, as a laptop
// that loses its connection after pushing and stays offline.
type pullBlocker struct {
	proxy    *httputil.ReverseProxy
	blocking atomic.Bool
}

func startPullBlocker(t *testing.T, target string) (*pullBlocker, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &pullBlocker{proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *pullBlocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	pull := r.URL.Path == syncengine.PathPull || r.URL.Path == syncengine.PathSnapshot
	if pull && p.blocking.Load() {
		http.Error(w, "offline", http.StatusServiceUnavailable)
		return
	}
	p.proxy.ServeHTTP(w, r)
}

// settling is a district whose server settles merges every 50ms, with
// officer a's laptop, and officer b's behind a pullBlocker.
type settling struct {
	srv     *server
	a, b    *device
	blocker *pullBlocker
}

// mustSettling starts a settling district whose laptops both hold one
// family recorded twice, x and y.
func mustSettling(t *testing.T) (s *settling, x, y string) {
	t.Helper()
	s = &settling{srv: startServerAt(t, serverDB(t), "127.0.0.1:0", "--settle-every", "50ms")}
	s.a = enrolled(t, s.srv, "a", "Lò Văn Minh", lacLuong)
	var via string
	s.blocker, via = startPullBlocker(t, s.srv.url)
	s.b = newDevice(t, "b")
	s.b.run(t, "init", "--server", via, "--enroll", s.srv.enroll(t, "Hà Thị Lan", lacLuong))
	x = s.a.add(t, "household", "--head-name", "Bùi Văn Thao", "--head-birth-year", "1978")
	y = s.a.add(t, "household", "--head-name", "Bui Van Thao", "--head-birth-year", "1978")
	s.a.sync(t)
	s.b.sync(t)
	return s, x, y
}

// pushOnly syncs b while its pulls are refused: its changes reach the
// server, and nothing reaches b.
func (s *settling) pushOnly(t *testing.T) {
	t.Helper()
	s.blocker.blocking.Store(true)
	defer s.blocker.blocking.Store(false)
	if _, errOut, err := s.b.try("sync"); err == nil {
		t.Fatalf("b synced with its pulls refused:\n%s", errOut)
	}
}

// waitSettled waits until the server's log says it settled merges n
// times, and fails the test if that does not come.
func (s *settling) waitSettled(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Count(s.srv.output(), `msg="settle merges"`) >= n {
			return
		}
	}
	t.Fatalf("the server did not settle the merges it holds\n%s", s.srv.output())
}

// serverParents maps each member on the server to its household, as its
// domain table holds it.
func (s *settling) serverParents(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, s.srv.db, replica.Options{ReadOnly: true, Migrations: registry.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, household_id FROM members`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, parent string
		if err := rows.Scan(&id, &parent); err != nil {
			t.Fatal(err)
		}
		out[id] = parent
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// members is how many members the server's report counts in Lạc Lương.
func (s *settling) members(t *testing.T) float64 {
	t.Helper()
	var r struct{ Communes []map[string]any }
	mustJSON(t, s.srv.run(t, "report", "indicators", "--db", s.srv.db, "--json"), &r)
	for _, c := range r.Communes {
		if c["commune"] == lacLuong {
			n, _ := c["members"].(float64)
			return n
		}
	}
	t.Fatalf("the report has no Lạc Lương: %v", r.Communes)
	return 0
}

// assertSettledAlike checks that every replica holds the same data, with
// no conflict, and every member of want's family under want.
func (s *settling) assertSettledAlike(t *testing.T, want string, members ...string) {
	t.Helper()
	if cs := s.srv.conflicts(t); len(cs) != 0 {
		t.Errorf("the server lists conflicts: %+v", cs)
	}
	for name, d := range map[string]*device{"a": s.a, "b": s.b} {
		parents := parentsOf(t, d)
		for _, m := range members {
			if parents[m] != want {
				t.Errorf("laptop %s: member %s belongs to %q, want %s", name, m, parents[m], want)
			}
		}
		if cs := d.conflicts(t); len(cs) != 0 {
			t.Errorf("laptop %s lists conflicts: %+v", name, cs)
		}
	}
	assertConverged(t, s.srv, lacLuong, s.a, s.b)
}

// TestServerSettlesAMergeALaptopNeverPulled: officer a merges X into Y;
// officer b, who has not heard of it, records a member under X, pushes,
// and goes offline before pulling. The server moves the member to Y by
// itself: its domain table and its report count the member under a
// household that is one. Once both laptops sync, every replica holds the
// member under Y, and nobody has a conflict.
func TestServerSettlesAMergeALaptopNeverPulled(t *testing.T) {
	s, x, y := mustSettling(t)
	s.a.run(t, "household", "merge", y, x)
	s.a.sync(t)
	before := s.members(t)
	member := s.b.add(t, "member", "--household-id", x, "--full-name", "Bùi Thị Hoa", "--birth-year", "1980")
	s.pushOnly(t)
	s.waitSettled(t, 1)
	if got := s.serverParents(t)[member]; got != y {
		t.Errorf("on the server the member belongs to %s, want %s, the household X was merged into", got, y)
	}
	if after := s.members(t); after != before+1 {
		t.Errorf("the server's report counts %v members, %v before the member was pushed; want one more", after, before)
	}
	syncAll(t, s.a, s.b)
	s.assertSettledAlike(t, y, member)
}

// TestServerSettlesACycleOfMerges: officers a and b merge one pair in
// opposite directions offline; b pushes and goes offline before pulling.
// The server, holding the cycle, keeps the household with the smaller
// id, with both families' members; the laptops, once synced, hold the
// same, without conflict.
func TestServerSettlesACycleOfMerges(t *testing.T) {
	s, x, y := mustSettling(t)
	mx := s.a.add(t, "member", "--household-id", x, "--full-name", "Lò Văn Tú", "--birth-year", "2010")
	my := s.b.add(t, "member", "--household-id", y, "--full-name", "Lò Thị Hoa", "--birth-year", "2012")
	s.a.run(t, "household", "merge", y, x)
	s.b.run(t, "household", "merge", x, y)
	s.a.sync(t)
	s.pushOnly(t)
	s.waitSettled(t, 1)
	first := min(x, y)
	parents := s.serverParents(t)
	if parents[mx] != first || parents[my] != first {
		t.Errorf("on the server the members belong to %s and %s, want both under %s, the smaller id", parents[mx], parents[my], first)
	}
	syncAll(t, s.a, s.b)
	s.assertSettledAlike(t, first, mx, my)
	for name, d := range map[string]*device{"a": s.a, "b": s.b} {
		if hs := d.list(t, "household"); len(hs) != 1 || hs[0]["id"] != first {
			t.Errorf("laptop %s lists households %v, want %s alone", name, ids(hs), first)
		}
	}
}
