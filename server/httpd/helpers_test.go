package httpd_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"hodan/internal/pgtest"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	communeA = "05362" // Xã Lạc Lương
	communeB = "02008" // Xã Cẩm Giàng
)

// testServer is the real server on a real database, behind httptest.
type testServer struct {
	URL   string
	DB    *syncengine.DB
	Reg   *registry.Registry
	Clock *manualClock // the registry's clock, for code expiry
	Now   time.Time    // the server's fixed Config.Now
	Log   *lockedBuffer
	// Handler is the server's handler, for requests that must come from
	// a given network address.
	Handler http.Handler
	// Server is the server itself.
	Server *httpd.Server
	// SnapshotDir is where it keeps snapshots.
	SnapshotDir string
}

// manualClock is a wall clock tests move by hand. It is safe for concurrent use.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// lockedBuffer collects the server's log; handlers write it concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustServer starts the server on a new database in t.TempDir(). configure,
// if not nil, adjusts the config before the server is built. Config.Now is
// fixed at the time the server starts.
func mustServer(t testing.TB, configure func(*httpd.Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := replica.Open(ctx, pgtest.Source(t, path), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		t.Fatalf("open server database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().Truncate(time.Millisecond)
	ts := &testServer{DB: db, Clock: &manualClock{t: now}, Now: now, Log: &lockedBuffer{}}
	ts.Reg = registry.New(db, ts.Clock.now)
	cfg := httpd.Config{
		DB: db, Registry: ts.Reg,
		Log:         slog.New(slog.NewTextHandler(ts.Log, nil)),
		Now:         func() time.Time { return now },
		SnapshotDir: path + ".snapshots", // the default beside a file
	}
	if configure != nil {
		configure(&cfg)
	}
	ts.SnapshotDir = cfg.SnapshotDir
	ts.Server = httpd.New(cfg)
	t.Cleanup(ts.Server.Wait) // before the database closes
	ts.Handler = ts.Server.Handler()
	srv := httptest.NewServer(ts.Handler)
	t.Cleanup(srv.Close)
	ts.URL = srv.URL
	return ts
}

// mustCode makes a one-time enrollment code for communes.
func (ts *testServer) mustCode(t testing.TB, ttl time.Duration, communes ...string) string {
	t.Helper()
	code, err := ts.Reg.CreateEnrollment(context.Background(), "Lò Văn Minh", communes, ttl)
	if err != nil {
		t.Fatalf("create enrollment: %v", err)
	}
	return code
}

// device is a field laptop: its own replica database and a client enrolled
// with the server.
type device struct {
	DB     *syncengine.DB
	Client *syncengine.Client
	Token  string
}

// Site is the device's site id.
func (d *device) Site() syncengine.SiteID { return d.DB.Site() }

// mustOpenReplica opens a new device database in t.TempDir().
func mustOpenReplica(t testing.TB) *syncengine.DB {
	t.Helper()
	db, err := replica.Open(context.Background(), filepath.Join(t.TempDir(), "device.db"), replica.Options{})
	if err != nil {
		t.Fatalf("open device database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustDevice opens a new device and enrolls it for communes.
func mustDevice(t testing.TB, ts *testServer, communes ...string) *device {
	t.Helper()
	db := mustOpenReplica(t)
	client := &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}
	er, err := client.Enroll(context.Background(), ts.mustCode(t, time.Hour, communes...), db.Site())
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	client.Token = er.Token
	return &device{DB: db, Client: client, Token: er.Token}
}

// mustWrite runs fn in one write transaction of db.
func mustWrite(t testing.TB, db *syncengine.DB, fn func(tx *syncengine.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// mustInsert inserts one row and returns its id.
func mustInsert(t testing.TB, db *syncengine.DB, table string, values map[string]any) syncengine.RowID {
	t.Helper()
	var id syncengine.RowID
	mustWrite(t, db, func(tx *syncengine.Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	return id
}

// mustHousehold records a household of commune.
func mustHousehold(t testing.TB, db *syncengine.DB, commune, head string) syncengine.RowID {
	t.Helper()
	return mustInsert(t, db, "households", map[string]any{
		"commune_code": commune, "head_name": head, "head_birth_year": 1979,
		"head_sex": "male", "ethnicity_code": "02", "poverty_status": "poor",
	})
}

// mustOwnChanges returns every change the device wrote, in sequence order.
func mustOwnChanges(t testing.TB, db *syncengine.DB) []syncengine.Change {
	t.Helper()
	changes, err := db.Pending(context.Background(), db.Site(), 0, 1<<20)
	if err != nil {
		t.Fatalf("read own changes: %v", err)
	}
	return changes
}

// serverState is what a refused request must leave unchanged.
type serverState struct {
	Digest string
	LogLen int
}

func mustState(t testing.TB, db *syncengine.DB) serverState {
	t.Helper()
	ctx := context.Background()
	d, err := db.Digest(ctx, "")
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	changes, _, err := db.ReadLog(ctx, 0, 1<<30)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	return serverState{Digest: d, LogLen: len(changes)}
}

// assertUnchanged fails the test if the server's state is not before.
func assertUnchanged(t testing.TB, db *syncengine.DB, before serverState) {
	t.Helper()
	if after := mustState(t, db); after != before {
		t.Errorf("server state changed by a refused request: before %+v, after %+v", before, after)
	}
}

func mustDigest(t testing.TB, db *syncengine.DB, scope string) string {
	t.Helper()
	d, err := db.Digest(context.Background(), scope)
	if err != nil {
		t.Fatalf("digest %q: %v", scope, err)
	}
	return d
}

// request is one raw HTTP request to the server.
type request struct {
	Method      string
	Path        string
	Auth        string // the whole Authorization header; "" for none
	ContentType string
	Encoding    string // Content-Encoding
	Accept      string // the Accept header; "" for none
	Body        []byte
	Chunked     bool // send without a Content-Length
}

// response is a raw answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func bearer(token string) string { return "Bearer " + token }

// send sends r and reads the whole answer.
func (ts *testServer) send(t testing.TB, r request) response {
	t.Helper()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
		if r.Chunked {
			body = io.MultiReader(body) // hides the length from net/http
		}
	}
	req, err := http.NewRequest(r.Method, ts.URL+r.Path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if r.Auth != "" {
		req.Header.Set("Authorization", r.Auth)
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if r.Encoding != "" {
		req.Header.Set("Content-Encoding", r.Encoding)
	}
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read answer: %v", r.Method, r.Path, err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// mustGzip compresses b.
func mustGzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return buf.Bytes()
}

// deviceKeys are the signing keys of the devices tests made, by site.
var deviceKeys sync.Map

// deviceKey returns the signing key of the device with site, making one
// the first time.
func deviceKey(t testing.TB, site syncengine.SiteID) ed25519.PrivateKey {
	t.Helper()
	if key, ok := deviceKeys.Load(site); ok {
		return key.(ed25519.PrivateKey)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	actual, _ := deviceKeys.LoadOrStore(site, key)
	return actual.(ed25519.PrivateKey)
}

// pushBody is a push request body holding changes, as plain JSON, signed
// by the device that wrote the first of them, as a device signs it.
func pushBody(t testing.TB, changes []syncengine.Change) []byte {
	t.Helper()
	req := syncengine.PushRequest{Changes: changes}
	if len(changes) > 0 {
		req.Signature = syncengine.SignBatch(deviceKey(t, changes[0].Site), changes[0].Site, changes)
	}
	return mustJSON(t, req)
}

// push posts changes as the device with token, as plain JSON.
func (ts *testServer) push(t testing.TB, token string, changes []syncengine.Change) response {
	t.Helper()
	return ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(token),
		ContentType: "application/json", Body: pushBody(t, changes)})
}

// mustPush posts changes and decodes the (successful) answer.
func (ts *testServer) mustPush(t testing.TB, token string, changes []syncengine.Change) syncengine.PushResponse {
	t.Helper()
	resp := ts.push(t, token, changes)
	if resp.Status != http.StatusOK {
		t.Fatalf("push: HTTP %d %s", resp.Status, resp.Body)
	}
	var pr syncengine.PushResponse
	mustDecode(t, resp.Body, &pr)
	return pr
}

// mustPull gets one pull page with the raw query string q.
func (ts *testServer) mustPull(t testing.TB, token, q string) syncengine.PullResponse {
	t.Helper()
	resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull + "?" + q, Auth: bearer(token)})
	if resp.Status != http.StatusOK {
		t.Fatalf("pull ?%s: HTTP %d %s", q, resp.Status, resp.Body)
	}
	var pr syncengine.PullResponse
	mustDecode(t, resp.Body, &pr)
	return pr
}

func mustDecode(t testing.TB, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, body, err)
	}
}

// leakMarkers are signs of internal detail that must never reach a caller.
var leakMarkers = []string{"goroutine", ".go:", "panic", "runtime.", "sql:", "sqlite", "SQLITE", "database is closed"}

// assertError checks that resp is an error answer with status and code, in
// exactly the shape {"error":{"code":…,"message":…}}, as JSON, with a
// message for people and nothing of the server's internals.
func assertError(t testing.TB, resp response, status int, code string) {
	t.Helper()
	if resp.Status != status {
		t.Errorf("status = %d, want %d (body %s)", resp.Status, status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var shape map[string]map[string]any
	if err := json.Unmarshal(resp.Body, &shape); err != nil {
		t.Fatalf("error body is not {\"error\":{…}}: %v: %s", err, resp.Body)
	}
	e, ok := shape["error"]
	if len(shape) != 1 || !ok || len(e) != 2 {
		t.Fatalf("error body %s: want exactly {\"error\":{\"code\",\"message\"}}", resp.Body)
	}
	gotCode, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	if gotCode != code {
		t.Errorf("error code = %q, want %q (message %q)", gotCode, code, msg)
	}
	if strings.TrimSpace(msg) == "" {
		t.Errorf("error %q has no message", gotCode)
	}
	for _, m := range leakMarkers {
		if strings.Contains(msg, m) {
			t.Errorf("error message %q shows internal detail %q", msg, m)
		}
	}
}

// TestMain runs the server's tests on SQLite, then again on PostgreSQL
// when HODAN_TEST_POSTGRES names a server: mustServer keeps the server's
// store there (see package pgtest).
func TestMain(m *testing.M) { pgtest.Main(m) }
