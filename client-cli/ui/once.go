package ui

import (
	"net/http"
	"sync"

	"hodan/internal/web"
)

// A form is written once however many times it is sent. Every form of
// the app carries, beside its CSRF token, a token of its own ("once",
// made fresh each time the form is shown): the first request that
// carries it is answered, and one sent again with it — a second click on
// Save, at once or later — waits for the first and is answered as it
// was: to the same page, with the same message (the browser shows the
// answer to the last click only). A first request that did not
// end in a redirect (a form shown again with what was refused, an error)
// wrote nothing: the token is free again.

// onceField is the name of the hidden field that carries the token.
const onceField = "once"

// keptOnces is how many tokens of forms answered are remembered.
const keptOnces = 1000

// onces are the tokens of the forms answered or being answered. It is
// safe for concurrent use.
type onces struct {
	mu    sync.Mutex
	sent  map[string]*sending
	order []string
}

// sending is a form being answered; done is closed when it is, with
// where its answer went ("" when it wrote nothing) and the cookies it set
// (the message for the next page).
type sending struct {
	done     chan struct{}
	location string
	cookies  []string
}

func newOnces() *onces { return &onces{sent: map[string]*sending{}} }

// claim returns the sending of token and whether this request is the
// first to send it.
func (o *onces) claim(token string) (*sending, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.sent[token]; ok {
		return s, false
	}
	s := &sending{done: make(chan struct{})}
	o.sent[token] = s
	if o.order = append(o.order, token); len(o.order) > keptOnces {
		delete(o.sent, o.order[0])
		o.order = o.order[1:]
	}
	return s, true
}

// finish ends the sending of token: answered as rec says, a redirect, or
// with nothing written when rec redirected nowhere.
func (o *onces) finish(token string, s *sending, rec *redirectRecorder) {
	o.mu.Lock()
	if rec.location == "" && o.sent[token] == s {
		delete(o.sent, token)
	}
	s.location, s.cookies = rec.location, rec.cookies
	o.mu.Unlock()
	close(s.done)
}

// once answers r by next unless a request with the same form token was
// answered before (see above).
func (a *App) once(w http.ResponseWriter, r *http.Request, next http.Handler) {
	token := r.PostFormValue(onceField)
	if token == "" {
		next.ServeHTTP(w, r)
		return
	}
	for {
		s, first := a.onces.claim(token)
		if first {
			rec := &redirectRecorder{ResponseWriter: w}
			defer func() { a.onces.finish(token, s, rec) }()
			next.ServeHTTP(rec, r)
			return
		}
		select {
		case <-s.done:
		case <-r.Context().Done():
			return
		}
		if s.location != "" {
			for _, c := range s.cookies {
				w.Header().Add("Set-Cookie", c)
			}
			http.Redirect(w, r, s.location, http.StatusSeeOther)
			return
		}
	}
}

// redirectRecorder notes where an answer redirects to, if it does, and
// the cookies it sets.
type redirectRecorder struct {
	http.ResponseWriter
	location string
	cookies  []string
}

func (rr *redirectRecorder) WriteHeader(status int) {
	if status == http.StatusSeeOther || status == http.StatusFound {
		rr.location = rr.Header().Get("Location")
		rr.cookies = rr.Header().Values("Set-Cookie")
	}
	rr.ResponseWriter.WriteHeader(status)
}

// onceToken is a fresh token for a form shown.
func onceToken() string { return web.RandomToken()[:22] }
