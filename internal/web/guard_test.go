package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"hodan/internal/web"
	"hodan/internal/web/webtest"
)

// guarded serves a page with a form that posts to /write, behind a Guard
// for its own address, and counts the writes that got through.
func guarded(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var writes atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!doctype html><title>t</title><form method="post" action="/write"><button id="go">Ghi</button></form>`)
	})
	mux.HandleFunc("POST /write", func(w http.ResponseWriter, r *http.Request) {
		writes.Add(1)
		io.WriteString(w, `<!doctype html><title>done</title><p id="done">ok</p>`)
	})
	g := &web.Guard{}
	srv := httptest.NewServer(g.Wrap(mux))
	t.Cleanup(srv.Close)
	g.Hosts = web.LoopbackHosts(strings.TrimPrefix(srv.URL, "http://"))
	return srv, &writes
}

func TestGuardRefusesForeignHost(t *testing.T) {
	srv, writes := guarded(t)
	for _, host := range []string{"evil.example", "evil.example:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:]} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/write", strings.NewReader(""))
		req.Host = host
		req.Header.Set("Origin", "http://"+host)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("Host %s: status %d, want 403", host, resp.StatusCode)
		}
	}
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes got through", n)
	}
}

func TestGuardRefusesPostWithoutOrigin(t *testing.T) {
	srv, writes := guarded(t)
	for name, set := range map[string]func(h http.Header){
		"none":      func(http.Header) {},
		"foreign":   func(h http.Header) { h.Set("Origin", "http://evil.example") },
		"null":      func(h http.Header) { h.Set("Origin", "null") },
		"crosssite": func(h http.Header) { h.Set("Origin", srv.URL); h.Set("Sec-Fetch-Site", "cross-site") },
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/write", strings.NewReader(""))
		set(req.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes got through", n)
	}
}

// TestGuardInBrowser: the same form posts when the page is the guarded
// site's own, and is refused when a page of another site posts it.
func TestGuardInBrowser(t *testing.T) {
	srv, writes := guarded(t)
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!doctype html><title>x</title><form method="post" action="`+srv.URL+`/write"><button id="go">Ghi</button></form>`)
	}))
	defer foreign.Close()

	b := webtest.New(t)
	b.Do(chromedp.Navigate(srv.URL+"/"), chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("#done")))
	if n := writes.Load(); n != 1 {
		t.Fatalf("own form: %d writes, want 1", n)
	}
	if csp := webtest.Eval[string](b, `document.title`); csp != "done" {
		t.Errorf("own form answered %q", csp)
	}
	b.Do(chromedp.Navigate(foreign.URL+"/"), chromedp.Click(chromedp.CSS("#go")))
	b.Do(chromedp.WaitReady(chromedp.CSS("body")))
	if n := writes.Load(); n != 1 {
		t.Errorf("a foreign page's form got through: %d writes", n)
	}
}

func TestCSRF(t *testing.T) {
	c := web.NewCSRF()
	tok := c.Token("s1")
	post := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(web.CSRFField+"="+token))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	if !c.Valid(post(tok), "s1") {
		t.Error("the session's own token is refused")
	}
	if c.Valid(post(tok), "s2") {
		t.Error("another session's token is accepted")
	}
	if c.Valid(post(""), "s1") || c.Valid(post(tok), "") {
		t.Error("an empty token or session is accepted")
	}
	if web.NewCSRF().Valid(post(tok), "s1") {
		t.Error("a token of another process is accepted")
	}
}
