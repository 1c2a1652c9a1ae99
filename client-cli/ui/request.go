package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/ops"
)

// visit is what the middleware learns of a request: the language, the
// session if it has one and its CSRF token, the flash message left by the
// request before, and the laptop's enrollment (nil before it has one).
type visit struct {
	lang    i18n.Lang
	session string
	csrf    string
	flash   *web.Flash
	device  *ops.Device
}

// who is the officer the laptop records for, and their communes.
func (v *visit) who() ops.Actor { return v.device.Actor() }

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{lang: i18n.VI}
}

// maxForm bounds a form the app reads, maxUpload a list uploaded to
// import (a commune's Excel file is well under a megabyte).
const (
	maxForm   = 1 << 20
	maxUpload = 20 << 20
)

// withVisit reads the language, the session and the flash message of
// every request, and refuses a POST whose form does not carry the
// session's CSRF token, and answers a form sent again as the first
// time it was (once.go).
func (a *App) withVisit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &visit{lang: a.language(w, r)}
		if ck, err := r.Cookie(a.cookie("session")); err == nil && a.hasSession(ck.Value) {
			v.session, v.csrf = ck.Value, a.csrf.Token(ck.Value)
		}
		v.flash = a.cookies().TakeFlash(w, r, a.cookie("flash"), "ui.flash.")
		r = r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
		if r.Method == http.MethodPost && v.session != "" {
			limit := int64(maxForm)
			if r.URL.Path == "/import" {
				limit = maxUpload
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if tooBig(r) {
				a.page(w, r, http.StatusRequestEntityTooLarge, "error", "", errorPage{Text: i18n.T(v.lang, "ui.error.too_large", limit>>20)})
				return
			}
			if !a.csrf.Valid(r, v.session) {
				a.forbidden(w, r, "ui.refused.csrf")
				return
			}
			a.once(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tooBig reads r's form, and reports whether it is bigger than its body
// may be: a file too big to import must be said so, not taken for a
// forged form (whose token could not be read).
func tooBig(r *http.Request) bool {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxUpload)
	} else {
		err = r.ParseForm()
	}
	var over *http.MaxBytesError
	return errors.As(err, &over)
}

// language is the language of r: ?lang= (remembered in a cookie), then
// that cookie, then the language hodan was started in if it was chosen,
// else the browser's.
func (a *App) language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	fallback := a.cfg.Lang
	if !a.cfg.LangFixed {
		if h := r.Header.Get("Accept-Language"); h != "" {
			fallback = i18n.FromAcceptLanguage(h)
		}
	}
	return a.cookies().Language(w, r, a.cookie("lang"), fallback)
}

// cookies sets and reads the app's cookies; it speaks plain HTTP on
// loopback only.
func (a *App) cookies() web.Cookies { return web.Cookies{} }

// cookie is the name of one of the app's cookies.
func (a *App) cookie(name string) string { return "hodan_ui_" + name + a.cfg.CookieTag }

// handle registers h for pattern, for requests with a session: one
// without is refused, and changes nothing. A laptop not enrolled yet is
// sent to the enrollment page.
func (a *App) handle(mux *http.ServeMux, pattern string, h func(http.ResponseWriter, *http.Request, *visit) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		if v.session == "" {
			a.locked(w, r)
			return
		}
		dev, err := ops.LoadDevice(r.Context(), a.cfg.DB)
		switch {
		case errors.Is(err, ops.ErrNotEnrolled):
			if r.URL.Path != "/enroll" {
				http.Redirect(w, r, "/enroll", http.StatusSeeOther)
				return
			}
		case err != nil:
			a.fail(w, r, err)
			return
		}
		v.device = dev
		if err := h(w, r, v); err != nil {
			a.fail(w, r, err)
		}
	})
}

// redirect ends an action: to path, with a message for the next page.
func (a *App) redirect(w http.ResponseWriter, r *http.Request, path string, f web.Flash) error {
	a.cookies().Redirect(w, r, path, a.cookie("flash"), f)
	return nil
}

// done is a flash message of an action that went well.
func done(key string, args ...string) web.Flash { return web.Flash{OK: true, Key: key, Args: args} }

// failed is a flash message of an action that did not.
func failed(key string, args ...string) web.Flash { return web.Flash{Key: key, Args: args} }
