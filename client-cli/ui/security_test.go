package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"hodan/schema"
)

// csrfOf is the CSRF token of the form the page at path holds.
func (s *site) csrfOf(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	return s.hiddenOf(t, c, path).Get("csrf")
}

// TestRefusesWhatIsNotTheOfficersOwnPage: a request with another Host (DNS
// rebinding), from another site's page (Origin), without the session the
// secret gives, or without the form's CSRF token is refused, 403, and
// writes nothing; the same request from the app's own page writes.
func TestRefusesWhatIsNotTheOfficersOwnPage(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	c := s.client(t)
	token := s.csrfOf(t, c, "/records/villages/new")
	village := func(name string) url.Values {
		return url.Values{"csrf": {token}, "commune_code": {lacLuong}, schema.ColName: {name}}
	}
	stranger := &http.Client{CheckRedirect: c.CheckRedirect}
	for _, tc := range []struct {
		name   string
		client *http.Client
		values url.Values
		header http.Header
	}{
		{"another host", c, village("Bản Host"), http.Header{"Host": {"evil.example"}}},
		{"another site's page", c, village("Bản Origin"), http.Header{"Origin": {"http://evil.example"}}},
		{"a cross-site fetch", c, village("Bản Fetch"), http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"no session", stranger, village("Bản Stranger"), nil},
		{"no CSRF token", c, url.Values{"commune_code": {lacLuong}, schema.ColName: {"Bản Token"}}, nil},
		{"another CSRF token", c, url.Values{"csrf": {"x" + token}, "commune_code": {lacLuong}, schema.ColName: {"Bản Token"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/records/villages/new", stringsReader(tc.values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.url)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			if h := tc.header.Get("Host"); h != "" {
				req.Host = h
			}
			resp, err := tc.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
		})
	}
	if n := count(t, s.db, schema.Villages); n != 0 {
		t.Fatalf("%d villages written by refused requests", n)
	}
	if resp := s.post(t, c, "/records/villages/new", village("Bản Nà Khương"), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the app's own form: status %d, want 303", resp.StatusCode)
	}
	if n := count(t, s.db, schema.Villages); n != 1 {
		t.Fatalf("the app's own form wrote %d villages, want 1", n)
	}
}

// TestSecretOpensASession: only the secret of `hodan ui` gives a session;
// a page read without one says how to open the app and shows no data.
func TestSecretOpensASession(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	for _, path := range []string{"/open?s=wrong", "/open", "/", "/households", "/sync/state"} {
		resp, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s without the secret: %d, want 403", path, resp.StatusCode)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name != "" && ck.MaxAge >= 0 && regexp.MustCompile(`session`).MatchString(ck.Name) {
				t.Errorf("GET %s without the secret set a session cookie", path)
			}
		}
	}
	resp, err := http.Get(s.url + "/open?s=" + secret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if regexp.MustCompile(`session`).MatchString(ck.Name) {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the secret's session cookie: %+v, want HttpOnly, SameSite=Strict", session)
	}
}
