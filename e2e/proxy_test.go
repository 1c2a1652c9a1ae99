package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// fault is what the proxy does to one push request.
type fault int

const (
	// truncate forwards only half of the request body, then drops both
	// connections: the server sees a request cut off mid-body.
	truncate fault = iota + 1
	// dropAnswer forwards the whole request, waits for the server's answer,
	// and drops the connection instead of passing the answer on: the batch
	// is committed but the device never hears so.
	dropAnswer
)

// faultProxy stands between devices and a server and breaks the push
// requests it is told to, counted from 1.
type faultProxy struct {
	target *url.URL
	proxy  *httputil.ReverseProxy
	mu     sync.Mutex
	pushes int
	faults map[int]fault
}

func startProxy(t *testing.T, target string) (*faultProxy, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{target: u, proxy: httputil.NewSingleHostReverseProxy(u), faults: map[int]fault{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *faultProxy) breakPush(n int, f fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[n] = f
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := fault(0)
	if r.URL.Path == "/v1/push" {
		p.mu.Lock()
		p.pushes++
		f = p.faults[p.pushes]
		p.mu.Unlock()
	}
	if f == 0 {
		p.proxy.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if f == truncate {
		body = body[:len(body)/2]
	}
	req, _ := http.NewRequest(r.Method, p.target.String()+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	req.ContentLength = r.ContentLength // more than is sent, for truncate
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}
