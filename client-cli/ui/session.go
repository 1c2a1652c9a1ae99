package ui

import (
	"errors"
	"io"
	"net/http"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/ops"
)

// Marker is what GET /hodan-ui answers: a second `hodan ui` finds by it
// that the address it wanted is this app's, and opens it again rather
// than fail.
const Marker = "hodan-ui"

// open exchanges the secret of the address `hodan ui` opened for a
// session. The answer is a page that goes on to the app by itself: a
// cookie set by a navigation another site (a file) started is not sent
// on its redirects, while one the app's own page starts sends it, and
// the secret leaves the address bar.
func (a *App) open(w http.ResponseWriter, r *http.Request) {
	if !web.SameToken(r.URL.Query().Get("s"), a.cfg.Secret) {
		a.locked(w, r)
		return
	}
	session := web.RandomToken()
	a.mu.Lock()
	a.sessions[session] = true
	a.mu.Unlock()
	a.cookies().Set(w, a.cookie("session"), session, 0)
	a.page(w, r, http.StatusOK, "open", "", nil)
}

func (a *App) hasSession(s string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sessions[s]
}

// marker answers GET /hodan-ui (see Marker).
func (a *App) marker(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, Marker)
}

// locked answers a request without a session: 403, and how to open the
// app.
func (a *App) locked(w http.ResponseWriter, r *http.Request) {
	a.page(w, r, http.StatusForbidden, "locked", "", nil)
}

// refused answers a request the guard refused (a foreign Host or
// Origin).
func (a *App) refused(w http.ResponseWriter, r *http.Request, reason string) {
	a.forbidden(w, r, "ui.refused."+reason)
}

// forbidden answers 403 with the reason (a catalogue key).
func (a *App) forbidden(w http.ResponseWriter, r *http.Request, key string) {
	a.page(w, r, http.StatusForbidden, "error", "", errorPage{Key: key})
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	if visitOf(r).session == "" {
		a.locked(w, r)
		return
	}
	a.page(w, r, http.StatusNotFound, "error", "", errorPage{Key: "ui.error.not_found"})
}

// explain says err in l as every front end does (ops.Explain), but for
// a database another program holds, which the app says in its own
// words: what the officer typed is still on the page, to send again.
func explain(l i18n.Lang, err error) string {
	if ops.Code(err) == "database_busy" {
		return i18n.T(l, "ui.error.busy")
	}
	return ops.Explain(l, err)
}

// errorPage is what the error page says: a catalogue key, or an error
// said in the visitor's language.
type errorPage struct {
	Key  string
	Text string
}

// fail answers an error a handler returned: what a person can act on is
// said (a record not on this laptop is 404, the others 400); anything
// else is logged and said as an internal error, 500.
func (a *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	v := visitOf(r)
	status := http.StatusInternalServerError
	switch code := ops.Code(err); {
	case errors.Is(err, ops.ErrNoDraft) || errors.Is(err, errNotFound) || code == "no_such_row":
		status = http.StatusNotFound
	case code != "error":
		status = http.StatusBadRequest
	default:
		a.cfg.Log.Error("hodan ui", "path", r.URL.Path, "err", err)
	}
	a.page(w, r, status, "error", "", errorPage{Text: explain(v.lang, err)})
}
