package web

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Guard is the middleware every request of a Hodan web front end passes
// first. It refuses a request whose Host is not one of Hosts (a page on
// another site that made its name resolve to this machine — DNS
// rebinding — sends its own name), and an unsafe request (anything but
// GET and HEAD) that comes from another origin (a form on another site
// posting here), and it sets the security headers of every answer.
type Guard struct {
	// Hosts are the Host values this front end answers to, host:port as
	// a browser sends them (e.g. "127.0.0.1:8765", "localhost:8765"). An
	// empty list accepts any Host: for a server behind a proxy that
	// checks it.
	Hosts []string
	// Refused, if set, writes the answer to a refused request; the
	// default is a plain 403.
	Refused func(w http.ResponseWriter, r *http.Request, reason string)
}

// LoopbackHosts lists the Host values a browser sends to a front end
// listening on the loopback address addr (host:port): the address itself,
// localhost and the other loopback spelling, with its port.
func LoopbackHosts(addr string) []string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []string{addr}
	}
	hosts := []string{addr}
	for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
		if hp := h + ":" + port; hp != addr {
			hosts = append(hosts, hp)
		}
	}
	return hosts
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w.Header())
		if reason := g.check(r); reason != "" {
			g.refuse(w, r, reason)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check returns why r is refused, or "" to let it through.
func (g *Guard) check(r *http.Request) string {
	if len(g.Hosts) > 0 && !slices.Contains(g.Hosts, strings.ToLower(r.Host)) {
		return "host"
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return ""
	}
	// Browsers say where a request comes from: Sec-Fetch-Site when they
	// know it, Origin on every POST; Referer is the fallback of old ones.
	// A request that says nothing is refused: a browser always says.
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return "origin"
	}
	from := r.Header.Get("Origin")
	if from == "" || from == "null" {
		from = r.Header.Get("Referer")
	}
	u, err := url.Parse(from)
	if from == "" || err != nil || !strings.EqualFold(u.Host, r.Host) {
		return "origin"
	}
	return ""
}

func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, reason string) {
	if g.Refused != nil {
		g.Refused(w, r, reason)
		return
	}
	http.Error(w, "forbidden: "+reason, http.StatusForbidden)
}

// ContentSecurityPolicy is the policy of every page: nothing but this
// origin's own scripts, styles, images and forms, never framed.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // "no-referrer" would make browsers send Origin: null on our own forms
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}
