package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"hodan/server/accounts"
	"hodan/server/console"
)

// TestSections: a section another package adds shows in the navigation
// of the operators allowed to use it, and only they reach its handler,
// which knows who they are and their language.
func TestSections(t *testing.T) {
	reports := console.Section{Path: "/reports", Nav: "console.nav.overview", Need: accounts.ViewReports,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "reports for "+console.UserOf(r).Name+" in "+string(console.LangOf(r))+" "+r.URL.Path)
		})}
	f := mustConsole(t, false, reports)
	f.user(t, "viewer", "Vi Văn Xem", accounts.Viewer, communeA)
	f.user(t, "auditor", "Đinh Thị Tra", accounts.Auditor)

	viewer := f.login(t, "viewer")
	if got := viewer.do(t, http.MethodGet, "/reports/2025", nil, nil); got.Body != "reports for Vi Văn Xem in vi /reports/2025" {
		t.Errorf("the viewer's section: %d %q", got.Status, got.Body)
	}
	if nav := viewer.do(t, http.MethodGet, "/overview", nil, nil).Body; !strings.Contains(nav, `href="/reports"`) {
		t.Error("the viewer's navigation lacks the section")
	}
	auditor := f.login(t, "auditor")
	if got := auditor.do(t, http.MethodGet, "/reports", nil, nil); got.Status != http.StatusForbidden {
		t.Errorf("the auditor's section: %d", got.Status)
	}
	if nav := auditor.do(t, http.MethodGet, "/audit", nil, nil).Body; strings.Contains(nav, `href="/reports"`) {
		t.Error("the auditor's navigation shows the section")
	}
	if got := f.anonymous().do(t, http.MethodGet, "/reports", nil, nil); got.Status != http.StatusSeeOther {
		t.Errorf("the section without a session: %d", got.Status)
	}
}

// TestLanguage: Vietnamese by default, English when the browser asks
// for it first or with ?lang=en, which a cookie remembers.
func TestLanguage(t *testing.T) {
	f := mustConsole(t, false)
	c := f.anonymous()
	lang := func(set func(*http.Request)) string {
		body := c.do(t, http.MethodGet, "/login", nil, set).Body
		switch {
		case strings.Contains(body, "<h1>Đăng nhập</h1>"):
			return "vi"
		case strings.Contains(body, "<h1>Log in</h1>"):
			return "en"
		}
		return "?"
	}
	if l := lang(nil); l != "vi" {
		t.Errorf("no preference: %s", l)
	}
	if l := lang(func(r *http.Request) { r.Header.Set("Accept-Language", "en-GB,en;q=0.9,vi;q=0.5") }); l != "en" {
		t.Errorf("an English browser: %s", l)
	}
	got := c.do(t, http.MethodGet, "/login?lang=en", nil, nil)
	if !strings.Contains(got.Body, "<h1>Log in</h1>") {
		t.Error("?lang=en is not English")
	}
	for _, ck := range (&http.Response{Header: got.Header}).Cookies() {
		if ck.Name == "hodan_lang" {
			c.cookies = append(c.cookies, ck)
		}
	}
	if l := lang(func(r *http.Request) { r.Header.Set("Accept-Language", "vi") }); l != "en" {
		t.Errorf("the remembered choice: %s", l)
	}
}
