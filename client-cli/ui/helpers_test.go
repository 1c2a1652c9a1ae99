package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hodan/client-cli/ui"
	"hodan/internal/replica"
	"hodan/internal/web"
	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
	"hodan/server/cli"
	"hodan/syncengine"
)

// lacLuong is the commune the tests' officers record in.
const lacLuong = "05362"

// server is a district server run in this process (server/cli's Run on
// 127.0.0.1:0, as hodan-server serve runs).
type server struct {
	db, url string
	cancel  context.CancelFunc
	exited  chan int
}

// mustServer starts a district server on a database in t.TempDir() and
// stops it when t ends.
func mustServer(t testing.TB) *server {
	t.Helper()
	s := &server{db: filepath.Join(t.TempDir(), "server.db")}
	s.start(t, "127.0.0.1:0")
	return s
}

// start serves on addr and waits until the server listens.
func (s *server) start(t testing.TB, addr string) {
	t.Helper()
	listening := make(chan string, 1)
	logs := &announcer{listening: listening}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.exited = cancel, make(chan int, 1)
	go func() {
		s.exited <- cli.Run(ctx, []string{"serve", "--db", s.db, "--addr", addr}, cli.Env{Stdout: logs, Stderr: logs, Getenv: english})
	}()
	select {
	case s.url = <-listening:
	case <-s.exited:
		t.Fatalf("hodan-server exited at start:\n%s", logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("hodan-server did not start:\n%s", logs.String())
	}
	t.Cleanup(s.stop)
}

// stop stops the server, as SIGTERM does, and waits for it.
func (s *server) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.exited
	s.cancel = nil
}

func english(k string) string {
	if k == "HODAN_LANG" {
		return "en"
	}
	return ""
}

// announcer keeps a server's log and says the address it serves on.
type announcer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	listening chan<- string
	said      bool
}

func (a *announcer) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buf.Write(p)
	if !a.said {
		for _, line := range strings.Split(a.buf.String(), "\n") {
			if _, rest, ok := strings.Cut(line, " on http"); ok && strings.HasPrefix(line, "hodan-server: serving") {
				a.listening <- "http" + strings.TrimSpace(rest)
				a.said = true
				break
			}
		}
	}
	return len(p), nil
}

func (a *announcer) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.String()
}

// enroll makes an enrollment code for officer in Lạc Lương.
func (s *server) enroll(t testing.TB, officer string) string {
	t.Helper()
	var out, errs bytes.Buffer
	args := []string{"enroll", "--db", s.db, "--officer", officer, "--commune", lacLuong, "--json"}
	if code := cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errs, Getenv: english}); code != 0 {
		t.Fatalf("enroll: %s", errs.String())
	}
	var res struct{ Code string }
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("enroll: %v: %s", err, out.String())
	}
	return res.Code
}

// mustLaptop opens a laptop's database in t.TempDir(), enrolled with s
// for officer.
func mustLaptop(t testing.TB, s *server, officer string) *syncengine.DB {
	t.Helper()
	return mustLaptopAt(t, s, officer, filepath.Join(t.TempDir(), "hodan.db"))
}

// mustLaptopAt is mustLaptop with its database at path.
func mustLaptopAt(t testing.TB, s *server, officer, path string) *syncengine.DB {
	t.Helper()
	db := mustDBAt(t, path)
	if _, _, err := ops.Enroll(context.Background(), db, ops.Enrollment{Server: s.url, Code: s.enroll(t, officer)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return db
}

// mustDB opens a laptop's database, not enrolled, in t.TempDir().
func mustDB(t *testing.T) *syncengine.DB {
	t.Helper()
	return mustDBAt(t, filepath.Join(t.TempDir(), "hodan.db"))
}

// mustDBAt opens a laptop's database at path.
func mustDBAt(t testing.TB, path string) *syncengine.DB {
	t.Helper()
	db, err := replica.Open(context.Background(), path, replica.Options{Migrations: ops.DeviceMigrations()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// secret is the secret the tests' apps are opened with.
const secret = "the-secret-of-this-test"

// site is the app serving a laptop's database over real HTTP.
type site struct {
	url string
	app *ui.App
	db  *syncengine.DB
}

// mustApp serves the app of db on 127.0.0.1 until t ends; autoSync is
// how often it syncs by itself (0: never); configure changes the rest.
func mustApp(t testing.TB, db *syncengine.DB, autoSync time.Duration, configure ...func(*ui.Config)) *site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	addr := srv.Listener.Addr().String()
	cfg := ui.Config{DB: db, Secret: secret, Hosts: web.LoopbackHosts(addr), AutoSync: autoSync}
	for _, c := range configure {
		c(&cfg)
	}
	app, err := ui.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { app.Run(ctx); close(ran) }()
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(func() { srv.Close(); cancel(); <-ran })
	return &site{url: srv.URL, app: app, db: db}
}

// open opens the app in b as `hodan ui` does, and waits for its first page.
func (s *site) open(t *testing.T, b *webtest.Browser) {
	t.Helper()
	b.Do(chromedp.Navigate(s.url + "/open?s=" + secret))
	b.Text("main h1")
	if u := webtest.Eval[string](b, "location.pathname + location.search"); strings.Contains(u, "open") {
		t.Fatalf("the secret stays in the address bar: %s", u)
	}
}

// client is an HTTP client with a session of the app, as a browser that
// opened it has.
func (s *site) client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.url + "/open?s=" + secret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("open: %d", resp.StatusCode)
	}
	return c
}

// count is how many live records of t db holds.
func count(t testing.TB, db *syncengine.DB, tbl *schema.Table) int {
	t.Helper()
	rows, err := ops.List(context.Background(), db, tbl, ops.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

// form posts values to path with the session's CSRF token, as the app's
// own page does (Origin set), and returns the answer.
func (s *site) post(t testing.TB, c *http.Client, path string, values url.Values, header http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.url)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
