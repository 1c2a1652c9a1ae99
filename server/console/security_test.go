package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hodan/server/accounts"
)

// securityFixture is a server with accounts of every role, a laptop of
// each commune and households, for the tests of who may do what.
type securityFixture struct {
	*fixture
	laptopA string // the id of the laptop of commune A
	thao    string // the id of a household of commune A
	mai     string // and of another
	// conflict is the id of a conflict of commune A: two laptops changed
	// the birth year of Bùi Văn Thảo's head.
	conflict string
}

func mustSecurityFixture(t *testing.T) *securityFixture {
	t.Helper()
	f := mustConsole(t, false)
	f.user(t, "admin", "Nguyễn Văn An", accounts.Admin)
	f.user(t, "admin.b", "Trần Văn Bình", accounts.Admin, communeB)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	f.user(t, "op.b", "Hà Thị Lan", accounts.Operator, communeB)
	f.user(t, "viewer", "Vi Văn Xem", accounts.Viewer, communeA)
	f.user(t, "auditor", "Đinh Thị Tra", accounts.Auditor)
	f.user(t, "auditor.a", "Cầm Văn Soát", accounts.Auditor, communeA)
	a := f.laptop(t, "Lò Văn Minh", communeA)
	a.households(t, communeA, "Bùi Văn Thảo", "Lò Thị Mai")
	f.laptop(t, "Hà Thị Lan", communeB).households(t, communeB, "Vì Văn Páo")
	s := &securityFixture{fixture: f, laptopA: a.DB.Site().String()}
	for head, id := range map[string]*string{"Bùi Văn Thảo": &s.thao, "Lò Thị Mai": &s.mai} {
		if err := f.DB.SQL().QueryRow(`SELECT id FROM households WHERE head_name = ?`, head).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	a2 := f.laptop(t, "Vàng A Dình", communeA)
	a2.sync(t)
	a.set(t, "households", s.thao, map[string]any{"head_birth_year": 1980})
	a2.set(t, "households", s.thao, map[string]any{"head_birth_year": 1981})
	a.sync(t)
	a2.sync(t)
	s.conflict = conflictOf(t, f.DB, s.thao, "head_birth_year").ID
	return s
}

// action is one page or action of the console, with a valid form.
type action struct {
	method, path string
	form         url.Values
}

func (a action) String() string { return a.method + " " + a.path }

// actions lists every page and action of the console but login and
// logout, aimed at commune A's laptop and operator.
func (s *securityFixture) actions() []action {
	add := url.Values{"login": {"moi"}, "name": {"Người Mới"}, "role": {"viewer"}, "commune": {communeA},
		"password": {"mật khẩu người mới"}, "again": {"mật khẩu người mới"}}
	pw := url.Values{"password": {"mật khẩu khác hẳn"}, "again": {"mật khẩu khác hẳn"}}
	return []action{
		{"GET", "/overview", nil},
		{"GET", "/laptops", nil},
		{"GET", "/laptops/" + s.laptopA + "/revoke", nil},
		{"POST", "/laptops/" + s.laptopA + "/revoke", url.Values{}},
		{"GET", "/enroll", nil},
		{"POST", "/enroll", url.Values{"officer": {"Cán Bộ Mới"}, "commune": {communeA}}},
		{"GET", "/support", nil},
		{"GET", "/duplicates", nil},
		{"GET", "/duplicates/merge?" + url.Values{"a": {s.thao}, "b": {s.mai}, "keep": {s.thao}}.Encode(), nil},
		{"POST", "/duplicates/merge", url.Values{"keep": {s.thao}, "drop": {s.mai}}},
		{"GET", "/conflicts", nil},
		{"POST", "/conflicts/" + s.conflict + "/keep", url.Values{"write": {"0"}}},
		{"GET", "/accounts", nil},
		{"POST", "/accounts", add},
		{"GET", "/accounts/op.a/password", nil},
		{"POST", "/accounts/op.a/password", pw},
		{"GET", "/accounts/op.a/disable", nil},
		{"POST", "/accounts/op.a/disable", url.Values{}},
		{"GET", "/audit", nil},
		{"POST", "/audit/verify", url.Values{}},
		{"POST", "/audit/export", url.Values{}},
		{"POST", "/audit/actions/verify", url.Values{}},
		{"GET", "/reports?period=2025", nil},
		{"POST", "/reports/download", url.Values{"kind": {"period"}, "period": {"2025"}, "format": {"json"}}},
		{"GET", "/reports/freshness", nil},
		{"GET", "/reports/targets?commune=" + communeA, nil},
		{"POST", "/reports/targets", url.Values{"year": {"2025"}, "commune": {communeA}, "houses": {"5"}}},
	}
}

// send sends a with c's session and CSRF token.
func (c *client) send(t *testing.T, a action) answer {
	t.Helper()
	if a.method == http.MethodGet {
		return c.do(t, a.method, a.path, nil, nil)
	}
	form := url.Values{}
	for k, v := range a.form {
		form[k] = v
	}
	return c.post(t, a.path, form)
}

// TestRefusedWithoutSession: every page and action sends a visitor
// without a session to the login page, and changes nothing.
func TestRefusedWithoutSession(t *testing.T) {
	s := mustSecurityFixture(t)
	before := s.state(t)
	anon := s.anonymous()
	for _, a := range s.actions() {
		got := anon.send(t, a)
		if got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Header.Get("Location"), "/login") {
			t.Errorf("%s without a session: status %d, to %q", a, got.Status, got.Header.Get("Location"))
		}
	}
	if s.state(t) != before {
		t.Error("a request without a session changed the database")
	}
}

// TestRefusedByRoleAndCommune: what a role may not do, and what concerns
// a commune outside the account's, is refused with 403 (a page in
// Vietnamese) and changes nothing.
func TestRefusedByRoleAndCommune(t *testing.T) {
	s := mustSecurityFixture(t)
	allowed := map[string][]string{
		// Pages and actions each account may use; the rest must be refused.
		"viewer": {"GET /overview", "GET /reports?period=2025", "POST /reports/download", "GET /reports/freshness"},
		"op.b": {"GET /overview", "GET /laptops", "GET /enroll", "GET /support", "GET /duplicates", "GET /conflicts", "GET /reports?period=2025", "POST /reports/download",
			"GET /reports/freshness"},
		"admin.b": {"GET /overview", "GET /laptops", "GET /enroll", "GET /accounts", "GET /reports?period=2025", "POST /reports/download",
			"GET /reports/freshness"},
		"auditor.a": {"GET /audit", "POST /audit/verify", "POST /audit/actions/verify"},
	}
	for login, ok := range allowed {
		t.Run(login, func(t *testing.T) {
			c := s.login(t, login)
			before := s.state(t)
			for _, a := range s.actions() {
				if strings.Contains(strings.Join(ok, "|"), a.String()) {
					continue
				}
				got := c.send(t, a)
				if got.Status != http.StatusForbidden {
					t.Errorf("%s by %s: status %d, want 403", a, login, got.Status)
				} else if !strings.Contains(got.Body, "Không có gì thay đổi") && !strings.Contains(got.Body, "chỉ tài khoản thanh tra có mọi xã") {
					t.Errorf("%s by %s: the refusal does not say that nothing changed:\n%s", a, login, got.Body)
				}
			}
			if s.state(t) != before {
				t.Errorf("a refused request of %s changed the database", login)
			}
		})
	}
}

// TestRefusedWithoutCSRF: a form of the most powerful accounts posted
// without the session's token, or with another's, changes nothing.
func TestRefusedWithoutCSRF(t *testing.T) {
	s := mustSecurityFixture(t)
	admin, auditor := s.login(t, "admin"), s.login(t, "auditor")
	before := s.state(t)
	for _, token := range []string{"", "forged", auditor.csrf} {
		for _, a := range s.actions() {
			if a.method != http.MethodPost {
				continue
			}
			for _, c := range []*client{admin, auditor} {
				if c == auditor && token == auditor.csrf {
					continue
				}
				form := url.Values{}
				for k, v := range a.form {
					form[k] = v
				}
				form.Set("csrf", token)
				if got := c.do(t, a.method, a.path, form, nil); got.Status != http.StatusForbidden {
					t.Errorf("%s with CSRF token %q: status %d, want 403", a, token, got.Status)
				}
			}
		}
	}
	if s.state(t) != before {
		t.Error("a form without its CSRF token changed the database")
	}
}

// TestRefusedFromElsewhere: a request for another Host (DNS rebinding),
// and a form posted from another site, are refused and change nothing.
func TestRefusedFromElsewhere(t *testing.T) {
	s := mustSecurityFixture(t)
	admin := s.login(t, "admin")
	before := s.state(t)
	for _, a := range s.actions() {
		form := url.Values{"csrf": {admin.csrf}}
		for k, v := range a.form {
			form[k] = v
		}
		if a.method == http.MethodGet {
			form = nil
		}
		host := admin.do(t, a.method, a.path, form, func(r *http.Request) {
			r.Host = "evil.example"
			if r.Method == http.MethodPost {
				r.Header.Set("Origin", "http://evil.example")
			}
		})
		if host.Status != http.StatusForbidden {
			t.Errorf("%s for another Host: status %d, want 403", a, host.Status)
		}
		if a.method != http.MethodPost {
			continue
		}
		for name, set := range map[string]func(*http.Request){
			"a foreign Origin": func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") },
			"no Origin":        func(r *http.Request) { r.Header.Del("Origin") },
			"cross-site":       func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
		} {
			if got := admin.do(t, a.method, a.path, form, set); got.Status != http.StatusForbidden {
				t.Errorf("%s with %s: status %d, want 403", a, name, got.Status)
			}
		}
	}
	if s.state(t) != before {
		t.Error("a request from elsewhere changed the database")
	}
}

// TestLoginIsLimited: past the limit of failed logins, even the right
// password is refused, with a page that says to wait; no session opens.
func TestLoginIsLimited(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "minh", "Lò Văn Minh", accounts.Operator, communeA)
	c := f.anonymous()
	for i := 0; i < accounts.MaxFailsPerLogin; i++ {
		got := c.tryLogin(t, "minh", "đoán sai lần "+string(rune('a'+i)))
		if got.Status != http.StatusUnauthorized || !strings.Contains(got.Body, "Tên đăng nhập hoặc mật khẩu không đúng") && !strings.Contains(got.Body, "tên đăng nhập hoặc mật khẩu không đúng") {
			t.Fatalf("wrong guess %d: status %d", i, got.Status)
		}
	}
	got := c.tryLogin(t, "minh", password("minh"))
	if got.Status != http.StatusTooManyRequests || !strings.Contains(got.Body, "hãy đợi 15 phút rồi thử lại") {
		t.Errorf("the right password past the limit: status %d\n%s", got.Status, got.Body)
	}
	for _, ck := range (&http.Response{Header: got.Header}).Cookies() {
		if ck.Name == "hodan_console" && ck.Value != "" {
			t.Error("a throttled login opened a session")
		}
	}
	f.advance(accounts.FailWindow + 1)
	if got := c.tryLogin(t, "minh", password("minh")); got.Status != http.StatusSeeOther {
		t.Errorf("after the window: status %d", got.Status)
	}
}

// TestCookieFlags: the session cookie is HttpOnly and SameSite=Strict,
// and Secure when the console is served over TLS.
func TestCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		f := mustConsole(t, secure)
		f.user(t, "minh", "Lò Văn Minh", accounts.Operator, communeA)
		got := f.anonymous().tryLogin(t, "minh", password("minh"))
		var found bool
		for _, ck := range (&http.Response{Header: got.Header}).Cookies() {
			if ck.Name != "hodan_console" {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != secure || ck.Path != "/" {
				t.Errorf("TLS %v: cookie %s", secure, ck.String())
			}
		}
		if !found {
			t.Errorf("TLS %v: no session cookie (status %d)", secure, got.Status)
		}
	}
}

// TestSyncAPIUnchanged: with the console mounted, /v1 keeps its JSON
// answers, unknown paths included, and the console answers the rest.
func TestSyncAPIUnchanged(t *testing.T) {
	f := mustConsole(t, false)
	c := f.anonymous()
	for path, want := range map[string]string{"/v1/households": `"code":"not_found"`, "/v1/health": `"status":"ok"`} {
		got := c.do(t, http.MethodGet, path, nil, nil)
		if !strings.Contains(got.Body, want) || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s %s", path, got.Status, got.Header.Get("Content-Type"), got.Body)
		}
	}
	if got := c.do(t, http.MethodGet, "/", nil, nil); got.Status != http.StatusSeeOther || got.Header.Get("Location") != "/login?next=%2F" {
		t.Errorf("/: %d to %q", got.Status, got.Header.Get("Location"))
	}
	if got := c.do(t, http.MethodGet, "/login", nil, nil); got.Status != http.StatusOK || !strings.Contains(got.Body, `lang="vi"`) ||
		!strings.Contains(got.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("/login: %d, CSP %q", got.Status, got.Header.Get("Content-Security-Policy"))
	}
}
