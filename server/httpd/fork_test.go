package httpd_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// forkReq posts a fork request as the device with token.
func (ts *testServer) forkReq(t testing.TB, auth string, req syncengine.ForkRequest) response {
	t.Helper()
	return ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathFork, Auth: auth,
		ContentType: "application/json", Body: mustJSON(t, req)})
}

// mustFork posts a fork request and decodes the (successful) answer.
func (ts *testServer) mustFork(t testing.TB, token string, req syncengine.ForkRequest) syncengine.ForkResponse {
	t.Helper()
	resp := ts.forkReq(t, bearer(token), req)
	if resp.Status != http.StatusOK {
		t.Fatalf("fork: HTTP %d %s", resp.Status, resp.Body)
	}
	var fr syncengine.ForkResponse
	mustDecode(t, resp.Body, &fr)
	return fr
}

// forkFor is a fork request for a new site with a new key, sharing at.
func forkFor(t testing.TB, at uint64) (syncengine.ForkRequest, ed25519.PrivateKey) {
	t.Helper()
	site := uuid.New()
	key := deviceKey(t, site)
	return syncengine.ForkRequest{Site: site, PublicKey: key.Public().(ed25519.PublicKey), At: at}, key
}

// mustSynced writes a household on the device and syncs it.
func mustSynced(t testing.TB, d *device, head string) {
	t.Helper()
	mustHousehold(t, d.DB, communeA, head)
	if _, err := d.Client.Sync(context.Background(), d.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// mustVersions asks the server what it holds of the device with token.
func (ts *testServer) mustVersions(t testing.TB, token string) syncengine.VersionsResponse {
	t.Helper()
	resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(token)})
	if resp.Status != http.StatusOK {
		t.Fatalf("versions: HTTP %d %s", resp.Status, resp.Body)
	}
	var vr syncengine.VersionsResponse
	mustDecode(t, resp.Body, &vr)
	return vr
}

func TestForkRefusesWithoutAValidToken(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	mustSynced(t, dev, "Hà Văn Chung")
	req, _ := forkFor(t, 0)
	before := mustState(t, ts.DB)
	for name, auth := range map[string]string{
		"no header":    "",
		"forged token": "Bearer hodan_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"basic scheme": "Basic " + dev.Token,
	} {
		t.Run(name, func(t *testing.T) {
			assertError(t, ts.forkReq(t, auth, req), http.StatusUnauthorized, syncengine.CodeUnauthorized)
		})
	}
	assertUnchanged(t, ts.DB, before)
	assertDevices(t, ts, 1)
}

// TestForkRefusals: a fork the server holds no other copy's changes for,
// and forks to a site id the server knows, are refused with a clear code,
// and change nothing.
func TestForkRefusals(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	mustSynced(t, a, "Hà Văn Chung")
	mustSynced(t, b, "Lò Thị Én")
	held := ts.mustVersions(t, a.Token).Versions[a.Site()]
	forkedB, _ := forkFor(t, 0)
	ts.mustFork(t, b.Token, forkedB)
	fresh := func(at uint64) syncengine.ForkRequest { r, _ := forkFor(t, at); return r }
	withSite := func(site syncengine.SiteID) syncengine.ForkRequest { r := fresh(0); r.Site = site; return r }
	noKey := fresh(0)
	noKey.PublicKey = nil
	tests := []struct {
		name   string
		req    syncengine.ForkRequest
		status int
		code   string
	}{
		{"the server holds nothing beyond what the copy shares", fresh(held), http.StatusConflict, syncengine.CodeNoDivergence},
		{"the copy shares more than the server holds", fresh(held + 5), http.StatusConflict, syncengine.CodeNoDivergence},
		{"the device's own site id", withSite(a.Site()), http.StatusConflict, syncengine.CodeSiteKnown},
		{"another device's site id", withSite(b.Site()), http.StatusConflict, syncengine.CodeSiteKnown},
		{"the site id another device forked to", withSite(forkedB.Site), http.StatusConflict, syncengine.CodeSiteKnown},
		{"no site id", withSite(syncengine.SiteID{}), http.StatusBadRequest, syncengine.CodeBadRequest},
		{"no key", noKey, http.StatusBadRequest, syncengine.CodeBadRequest},
	}
	before := mustState(t, ts.DB)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertError(t, ts.forkReq(t, bearer(a.Token), tt.req), tt.status, tt.code)
		})
	}
	assertUnchanged(t, ts.DB, before)
	assertDevices(t, ts, 3)
}

// TestForkAgainGetsAFreshToken: a laptop that died after the server
// answered its fork asks again for the same site with the same key, and
// gets a fresh token; the first stays valid (the file may have been copied
// meanwhile). Once the site pushed, or with another key, the same request
// is refused.
func TestForkAgainGetsAFreshToken(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustSynced(t, a, "Hà Văn Chung")
	req, key := forkFor(t, 1)
	first := ts.mustFork(t, a.Token, req)
	again := ts.mustFork(t, a.Token, req)
	if again.Token == first.Token || again.Held != first.Held || again.Logged != first.Logged || again.Logged != again.Held-1 {
		t.Fatalf("fork asked twice: %+v, then %+v", first, again)
	}
	for _, token := range []string{first.Token, again.Token} {
		if vr := ts.mustVersions(t, token); len(vr.Versions) != 1 || vr.Versions[req.Site] != 0 {
			t.Fatalf("versions with a token of the new site: %+v", vr)
		}
	}
	otherKey := req
	otherKey.PublicKey = deviceKey(t, uuid.New()).Public().(ed25519.PublicKey)
	assertError(t, ts.forkReq(t, bearer(a.Token), otherKey), http.StatusConflict, syncengine.CodeSiteKnown)

	c := syncengine.Change{Table: "households", Row: uuid.Must(uuid.NewV7()), CL: 1, Scope: communeA, Site: req.Site, Seq: 1,
		HLC: syncengine.MakeHLC(ts.Now.UnixMilli(), 0)}
	body := mustJSON(t, syncengine.PushRequest{Changes: []syncengine.Change{c}, Signature: syncengine.SignBatch(key, req.Site, []syncengine.Change{c})})
	if resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(again.Token),
		ContentType: "application/json", Body: body}); resp.Status != http.StatusOK {
		t.Fatalf("push of the new site: HTTP %d %s", resp.Status, resp.Body)
	}
	assertError(t, ts.forkReq(t, bearer(a.Token), req), http.StatusConflict, syncengine.CodeSiteKnown)
	assertDevices(t, ts, 2)
}

// TestForkEnrollsACopy: a device's database copied onto a second laptop,
// both writing and syncing. The copy that syncs second forks: the server
// enrolls its new site as a copy of the device, with the device's officer
// and communes and the copy's new key; the copy's pushes are taken, signed
// with that key only; the device's own token still works; everything
// converges.
func TestForkEnrollsACopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA, communeB)
	mustSynced(t, a, "Hà Văn Chung")
	c := cloneDevice(t, a)
	mustSynced(t, a, "Lò Thị Én")
	mustHousehold(t, c.DB, communeA, "Giàng A Páo")
	res, err := c.Client.Sync(ctx, c.DB)
	if err != nil {
		t.Fatalf("sync of the copy: %v", err)
	}
	if res.Fork == nil || res.Fork.From != a.Site() || res.Fork.To != c.Site() || res.Fork.Moved == 0 || res.Pushed != res.Fork.Moved {
		t.Fatalf("sync of the copy: %+v, fork %+v", res, res.Fork)
	}
	if c.Client.Token == a.Token || c.Site() == a.Site() {
		t.Fatal("the copy kept the device's token or site id")
	}
	devices := assertDevices(t, ts, 2)
	if devices[0].ID == c.Site() { // enrolled in the same millisecond: listed by id
		devices[0], devices[1] = devices[1], devices[0]
	}
	forked := devices[1]
	if forked.ID != c.Site() || forked.ForkedFrom == nil || *forked.ForkedFrom != a.Site() || forked.Officer != devices[0].Officer ||
		len(forked.Communes) != 2 || !forked.PublicKey.Equal(c.Client.Key.Public()) || forked.ForkedAt != res.Fork.At {
		t.Fatalf("the fork's device: %+v (the device: %+v)", forked, devices[0])
	}
	if held := ts.mustVersions(t, c.Client.Token).Versions[c.Site()]; held != uint64(res.Fork.Moved) {
		t.Fatalf("the server holds #%d of the copy's %d changes", held, res.Fork.Moved)
	}
	// Signed with the device's old key, the copy's changes are refused.
	own := mustOwnChanges(t, c.DB)
	forged := syncengine.PushRequest{Changes: own, Signature: syncengine.SignBatch(deviceKey(t, a.Site()), c.Site(), own)}
	assertError(t, ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(c.Client.Token),
		ContentType: "application/json", Body: mustJSON(t, forged)}), http.StatusForbidden, syncengine.CodeBadSignature)

	mustSynced(t, a, "Vàng Thị Dợ")
	mustSynced(t, c, "Triệu Văn Hầu")
	for _, d := range []*device{a, c} {
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			t.Fatal(err)
		}
	}
	for _, scope := range []string{communeA, communeB} {
		want := mustDigest(t, ts.DB, scope)
		if mustDigest(t, a.DB, scope) != want || mustDigest(t, c.DB, scope) != want {
			t.Errorf("commune %s: the device and its copy differ from the server", scope)
		}
	}
	if n := households(t, ts.DB); n != 5 {
		t.Errorf("the server holds %d households, want the 5 both laptops recorded", n)
	}
}

// cloneDevice copies a device's database as it stands onto a second
// laptop, with the device's token and key.
func cloneDevice(t testing.TB, d *device) *device {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clone.db")
	conn, err := sql.Open("sqlite3", d.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`VACUUM INTO ?`, path); err != nil {
		t.Fatalf("copy the device's database: %v", err)
	}
	db, err := replica.Open(context.Background(), path, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	client := *d.Client
	return &device{DB: db, Client: &client, Token: d.Token}
}

// assertDevices checks that the registry lists n devices, and returns them.
func assertDevices(t testing.TB, ts *testServer, n int) []registry.Device {
	t.Helper()
	devices, err := ts.Reg.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != n {
		t.Fatalf("the registry lists %d devices, want %d", len(devices), n)
	}
	return devices
}

func households(t testing.TB, db *syncengine.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM households`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
