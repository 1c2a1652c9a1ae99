package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"hodan/internal/pgtest"
	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// commune is the commune every benchmark records for (Xã Lạc Lương).
const commune = "05362"

// server is the real district server on a real database, listening on a
// loopback port.
type server struct {
	URL string
	DB  *syncengine.DB
	Reg *registry.Registry
}

// TestMain runs the benchmarks on SQLite, then again on PostgreSQL when
// HODAN_TEST_POSTGRES names a server: mustServer keeps the server's store
// there (see package pgtest).
func TestMain(m *testing.M) { pgtest.Main(m) }

// mustServer starts the server with its default configuration (rate limits
// included) on a new database in b.TempDir(), or, in the PostgreSQL run, a
// new PostgreSQL store. It stops when b ends.
func mustServer(b testing.TB) *server {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := replica.Open(ctx, pgtest.Source(b, filepath.Join(b.TempDir(), "server.db")), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		b.Fatalf("open server database: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listen: %v", err)
	}
	reg := registry.New(db, nil)
	srv := httpd.New(httpd.Config{DB: db, Registry: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	b.Cleanup(func() {
		cancel()
		<-done
		db.Close()
	})
	return &server{URL: "http://" + ln.Addr().String(), DB: db, Reg: reg}
}

// device is a field laptop: its own database and a client enrolled with the
// server.
type device struct {
	DB     *syncengine.DB
	Client *syncengine.Client
}

// mustDevice opens a new device database and enrolls it for the commune
// through the registry (the enrollment endpoint limits attempts per
// address, which a fleet on one loopback address would hit). transport,
// if not nil, carries its requests.
func mustDevice(b testing.TB, s *server, transport http.RoundTripper) *device {
	b.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, filepath.Join(b.TempDir(), "device.db"), replica.Options{})
	if err != nil {
		b.Fatalf("open device database: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	code, err := s.Reg.CreateEnrollment(ctx, "Lò Văn Minh", []string{commune}, time.Hour)
	if err != nil {
		b.Fatalf("create enrollment: %v", err)
	}
	key := newKey(b)
	token, _, err := s.Reg.Enroll(ctx, code, db.Site(), key.Public().(ed25519.PublicKey))
	if err != nil {
		b.Fatalf("enroll: %v", err)
	}
	client := &syncengine.Client{BaseURL: s.URL, Token: token, Key: key, HTTP: &http.Client{Transport: transport, Timeout: 10 * time.Minute}}
	return &device{DB: db, Client: client}
}

// mustSync syncs d and fails b on any error or refused change.
func (d *device) mustSync(b testing.TB) syncengine.SyncResult {
	b.Helper()
	res, err := d.Client.Sync(context.Background(), d.DB)
	if err != nil {
		b.Fatalf("sync: %v", err)
	}
	if res.Rejected != 0 {
		b.Fatalf("sync: %d changes refused", res.Rejected)
	}
	return res
}

// newKey makes a device's signing key.
func newKey(b testing.TB) ed25519.PrivateKey {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return key
}
