package console

import (
	"errors"
	"net/http"

	"hodan/internal/i18n"
)

// problem is what a handler answers instead of its page: a status and a
// message of the catalogue saying what was wrong and what to do.
type problem struct {
	status int
	key    string
	args   []any
}

func (p *problem) Error() string { return p.key }

// forbid refuses an action on something outside the operator's communes
// or powers, with the message key.
func forbid(key string, args ...any) error {
	return &problem{status: http.StatusForbidden, key: key, args: args}
}

// missing answers 404 with the message key.
func missing(key string, args ...any) error {
	return &problem{status: http.StatusNotFound, key: key, args: args}
}

// problemPage is the data of the error page.
type problemPage struct {
	Status int
	Title  string // catalogue key
	Text   string // said in the visitor's language
}

// fail answers err: a problem as its page, anything else as 500, logged
// and never shown.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *problem
	if !errors.As(err, &p) {
		c.cfg.Log.Error("console", "method", r.Method, "path", r.URL.Path, "err", err)
		p = &problem{status: http.StatusInternalServerError, key: "console.error.internal"}
	}
	page := problemPage{Status: p.status, Text: i18n.T(visitOf(r).lang, p.key, p.args...)}
	switch p.status {
	case http.StatusForbidden:
		page.Title = "console.error.title.forbidden"
	case http.StatusNotFound:
		page.Title = "console.error.title.not_found"
	case http.StatusBadRequest:
		page.Title = "console.error.title.bad_request"
	default:
		page.Title = "console.error.title.internal"
	}
	if err := c.render(w, r, p.status, "error", "", page); err != nil {
		c.cfg.Log.Error("console: render the error page", "err", err)
		http.Error(w, http.StatusText(p.status), p.status)
	}
}

// forbidden answers 403 with the message key, changing nothing.
func (c *Console) forbidden(w http.ResponseWriter, r *http.Request, key string) {
	c.fail(w, r, forbid(key))
}

// refused answers a request the guard turned away (a foreign Host, a
// form posted from another site).
func (c *Console) refused(w http.ResponseWriter, r *http.Request, reason string) {
	c.forbidden(w, r, "console.refused."+reason)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.fail(w, r, missing("console.error.not_found"))
}
