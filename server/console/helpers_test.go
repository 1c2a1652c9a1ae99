package console_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hodan/internal/pgtest"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hodan/indicators/indicatorstest"
	"hodan/internal/replica"
	"hodan/internal/web"
	"hodan/server/accounts"
	"hodan/server/console"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	communeA = "05362" // Xã Lạc Lương
	communeB = "02008" // Xã Cẩm Giàng
)

// fixture is the real server (httpd with the console) on a real database
// file, behind httptest.
type fixture struct {
	URL      string
	Server   *httptest.Server
	DB       *syncengine.DB
	Registry *registry.Registry
	Accounts *accounts.Store
	Clock    *indicatorstest.Clock // the console's and the accounts' wall clock
}

func (f *fixture) now() time.Time { return f.Clock.Now() }

// advance moves the console's clock on by d.
func (f *fixture) advance(d time.Duration) { f.Clock.Set(f.Clock.Now().Add(d)) }

// mustConsole starts the server with its console on a new database, on
// a clock set to now; secure serves it over TLS with Secure cookies;
// sections are added to the console.
func mustConsole(t testing.TB, secure bool, sections ...console.Section) *fixture {
	t.Helper()
	s := indicatorstest.Open(t, pgtest.Source(t, filepath.Join(t.TempDir(), "server.db")), accounts.Migrations()...)
	return mustConsoleOn(t, s.DB, s.Clock, secure, sections...)
}

// mustConsoleOn starts the server with its console on db, a server's
// database with every migration of hodan-server's, on clock.
func mustConsoleOn(t testing.TB, db *syncengine.DB, clock *indicatorstest.Clock, secure bool, sections ...console.Section) *fixture {
	t.Helper()
	f := &fixture{DB: db, Registry: registry.New(db, nil), Clock: clock}
	f.Accounts = accounts.NewStore(db, accounts.Options{Now: f.now, Cost: accounts.Cost{Time: 1, Memory: 256, Threads: 1}})
	srv := httptest.NewUnstartedServer(nil)
	log := slog.New(slog.NewTextHandler(testLog(t), nil))
	c, err := console.New(console.Config{DB: db, Registry: f.Registry, Accounts: f.Accounts, Now: f.now, Log: log,
		Hosts: web.LoopbackHosts(srv.Listener.Addr().String()), Secure: secure, Sections: sections})
	if err != nil {
		t.Fatal(err)
	}
	h := httpd.New(httpd.Config{DB: db, Registry: f.Registry, Console: c, Log: log})
	t.Cleanup(h.Wait)
	srv.Config.Handler = h.Handler()
	if secure {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	f.URL, f.Server = srv.URL, srv
	return f
}

// password is the password the fixture gives login.
func password(login string) string { return "mật khẩu của " + login }

// user adds an account.
func (f *fixture) user(t testing.TB, login, name string, role accounts.Role, communes ...string) accounts.User {
	t.Helper()
	u, err := f.Accounts.Add(context.Background(), accounts.NewUser{Login: login, Name: name, Role: role,
		Communes: communes, Password: password(login)}, accounts.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// laptop is an officer's laptop enrolled with the fixture's server.
type laptop struct {
	DB     *syncengine.DB
	Client *syncengine.Client
}

// laptop enrolls a new laptop of officer for communes.
func (f *fixture) laptop(t testing.TB, officer string, communes ...string) *laptop {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "laptop.db"), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	code, err := f.Registry.CreateEnrollment(ctx, officer, communes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	client := &syncengine.Client{BaseURL: f.URL, Key: key, HTTP: f.Server.Client()}
	er, err := client.Enroll(ctx, code, db.Site())
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	client.Token = er.Token
	return &laptop{DB: db, Client: client}
}

// households records n households of commune on the laptop and syncs.
func (l *laptop) households(t testing.TB, commune string, heads ...string) {
	t.Helper()
	ctx := context.Background()
	err := l.DB.Write(ctx, func(tx *syncengine.Tx) error {
		for _, head := range heads {
			if _, err := tx.Insert("households", map[string]any{"commune_code": commune, "head_name": head,
				"head_birth_year": 1979, "head_sex": "male", "ethnicity_code": "02", "poverty_status": "poor"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Client.Sync(ctx, l.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// client is a browser without a cookie jar: the tests set every cookie
// and header by hand.
type client struct {
	f       *fixture
	cookies []*http.Cookie
	csrf    string
}

// answer is a response, read whole.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request: form, if not nil, as a POST body; set, if not nil,
// changes the request before it goes (another Host, no Origin).
func (c *client) do(t testing.TB, method, path string, form url.Values, set func(*http.Request)) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.f.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		req.Header.Set("Origin", c.f.URL)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	if set != nil {
		set(req)
	}
	hc := *c.f.Server.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// anonymous is a client without a session.
func (f *fixture) anonymous() *client { return &client{f: f} }

// login logs in as login and returns the client of the session, with its
// CSRF token.
func (f *fixture) login(t testing.TB, login string) *client {
	t.Helper()
	c := f.anonymous()
	a := c.tryLogin(t, login, password(login))
	if a.Status != http.StatusSeeOther {
		t.Fatalf("login %s: status %d\n%s", login, a.Status, a.Body)
	}
	c.cookies = nil
	for _, ck := range (&http.Response{Header: a.Header}).Cookies() {
		if ck.Name == "hodan_console" && ck.Value != "" {
			c.cookies = append(c.cookies, ck)
		}
	}
	page := c.do(t, http.MethodGet, "/audit", nil, nil)
	if page.Status == http.StatusForbidden {
		page = c.do(t, http.MethodGet, "/overview", nil, nil)
	}
	m := csrfField.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the page of %s (%d)", login, page.Status)
	}
	c.csrf = m[1]
	return c
}

// tryLogin posts the login form as a browser does: the form's token and
// its cookie first.
func (c *client) tryLogin(t testing.TB, login, pw string) answer {
	t.Helper()
	page := c.do(t, http.MethodGet, "/login", nil, nil)
	m := csrfField.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no token on the login page (%d)", page.Status)
	}
	saved := c.cookies
	c.cookies = append(c.cookies, (&http.Response{Header: page.Header}).Cookies()...)
	defer func() { c.cookies = saved }()
	return c.do(t, http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "login": {login}, "password": {pw}}, nil)
}

// post sends a form of the session, with its CSRF token.
func (c *client) post(t testing.TB, path string, form url.Values) answer {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.do(t, http.MethodPost, path, form, nil)
}

// state is what a refused request must leave as it was: the server's own
// tables and the sync log.
func (f *fixture) state(t testing.TB) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"server_users", "server_actions", "server_login_failures", "server_devices",
		"server_enrollments", "server_targets", "sync_checkpoints", "sync_log"} {
		rows, err := f.DB.SQL().Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var lines []string // sorted: neither store has an order of its own
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %v\n", table, vals))
		}
		slices.Sort(lines)
		for _, l := range lines {
			h.Write([]byte(l))
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// testLog is where the server logs: the test's log when $HODAN_TEST_LOG
// is set, else nowhere.
func testLog(t testing.TB) io.Writer {
	if os.Getenv("HODAN_TEST_LOG") == "" {
		return io.Discard
	}
	return tWriter{t}
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestMain runs the console's tests on SQLite, then again on PostgreSQL
// when HODAN_TEST_POSTGRES names a server (see package pgtest).
func TestMain(m *testing.M) { pgtest.Main(m) }
