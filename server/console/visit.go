package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/server/accounts"
)

// Cookies of the console.
const (
	sessionCookie = "hodan_console" // the session's token
	langCookie    = "hodan_lang"    // the language chosen with ?lang=
	flashCookie   = "hodan_flash"   // the message after a redirect
	loginCookie   = "hodan_login"   // the login form's CSRF token, before a session
)

// visit is what the middleware learns of a request: the language, the
// operator's session if there is one, and the flash message left by the
// request before.
type visit struct {
	lang    i18n.Lang
	session *accounts.Session
	flash   *flash
}

// user is the operator, nil before login.
func (v *visit) user() *accounts.User {
	if v.session == nil {
		return nil
	}
	return &v.session.User
}

// maxForm bounds a form the console reads.
const maxForm = 1 << 20

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{lang: i18n.VI}
}

// UserOf is the operator a request of the console comes from, for the
// handlers of Sections; nil outside the console.
func UserOf(r *http.Request) *accounts.User { return visitOf(r).user() }

// LangOf is the language a request of the console is answered in.
func LangOf(r *http.Request) i18n.Lang { return visitOf(r).lang }

// withVisit reads the language, the session and the flash message of
// every request, and refuses a POST of a session whose form does not
// carry the session's CSRF token.
func (c *Console) withVisit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		v := &visit{lang: c.language(w, r)}
		if ck, err := r.Cookie(sessionCookie); err == nil {
			s, err := c.cfg.Accounts.Session(r.Context(), ck.Value)
			switch {
			case err == nil:
				v.session = &s
			case !errors.Is(err, accounts.ErrNoSession):
				c.fail(w, r, err)
				return
			}
		}
		v.flash = c.cookies().TakeFlash(w, r, flashCookie, "console.flash.")
		r = r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
		if r.Method != http.MethodGet && r.Method != http.MethodHead && v.session != nil && !web.SameToken(r.PostFormValue(web.CSRFField), v.session.CSRF) {
			c.forbidden(w, r, "console.refused.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// language is the language of r: ?lang= (remembered in a cookie), then
// the cookie, then the browser's Accept-Language.
func (c *Console) language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	return c.cookies().Language(w, r, langCookie, i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")))
}

// cookies sets and reads the console's cookies: Secure under TLS.
func (c *Console) cookies() web.Cookies { return web.Cookies{Secure: c.cfg.Secure} }

// setCookie sets a cookie of the console (web.Cookies.Set).
func (c *Console) setCookie(w http.ResponseWriter, name, value string, age time.Duration) {
	c.cookies().Set(w, name, value, age)
}

// handle registers h for pattern, for operators with a session who can
// need ("" for any operator). A request without a session is sent to the
// login page; one whose operator may not is refused with 403, before h
// runs.
func (c *Console) handle(mux *http.ServeMux, pattern string, need accounts.Permission, h func(http.ResponseWriter, *http.Request, *visit) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		u := v.user()
		if u == nil {
			next := ""
			if r.Method == http.MethodGet {
				next = "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
			return
		}
		if need != "" && !u.Can(need) {
			c.forbidden(w, r, "console.refused.role")
			return
		}
		if err := h(w, r, v); err != nil {
			c.fail(w, r, err)
		}
	})
}

// actor is the operator of v, for the action log.
func actor(r *http.Request, v *visit) accounts.Actor {
	u := v.user()
	return accounts.Actor{Login: u.Login, Role: u.Role, Origin: "console from " + clientIP(r)}
}

// clientIP is the network address r came from. Headers a proxy may set
// are not trusted: anyone can send them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
