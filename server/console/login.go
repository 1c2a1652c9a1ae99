package console

import (
	"errors"
	"net/http"
	"strings"

	"hodan/internal/web"
	"hodan/server/accounts"
)

// loginPage is the data of the login page.
type loginPage struct {
	Token string // the form's CSRF token, also in the hodan_login cookie
	Next  string
	Login string
	Error string // a message of the catalogue, said already
}

// loginPage shows the login form. The form carries a token that a
// cookie holds too (there is no session yet to tie it to): a form posted
// from another site cannot know it.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if visitOf(r).session != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	c.showLogin(w, r, http.StatusOK, loginPage{Next: r.URL.Query().Get("next")})
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	p.Token = web.RandomToken()
	c.setCookie(w, loginCookie, p.Token, 0)
	if err := c.render(w, r, status, "login", "", p); err != nil {
		c.fail(w, r, err)
	}
}

// login checks the operator's password and opens a session. Failures
// and the limit on guessing are the accounts store's.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ck, err := r.Cookie(loginCookie)
	if err != nil || !web.SameToken(r.PostFormValue(web.CSRFField), ck.Value) {
		c.forbidden(w, r, "console.refused.csrf")
		return
	}
	p := loginPage{Next: r.PostFormValue("next"), Login: strings.TrimSpace(r.PostFormValue("login"))}
	s, err := c.cfg.Accounts.Login(r.Context(), p.Login, r.PostFormValue("password"), clientIP(r))
	switch {
	case errors.Is(err, accounts.ErrThrottled):
		p.Error, _ = accounts.Explain(v.lang, err)
		c.showLogin(w, r, http.StatusTooManyRequests, p)
		return
	case errors.Is(err, accounts.ErrBadLogin):
		p.Error, _ = accounts.Explain(v.lang, err)
		c.showLogin(w, r, http.StatusUnauthorized, p)
		return
	case err != nil:
		c.fail(w, r, err)
		return
	}
	c.setCookie(w, loginCookie, "", -1)
	c.setCookie(w, sessionCookie, s.Token, 0)
	http.Redirect(w, r, safeNext(p.Next), http.StatusSeeOther)
}

// safeNext is where to go after login: a path of this console, never
// another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := c.cfg.Accounts.Logout(r.Context(), v.session.Token); err != nil {
		return err
	}
	if err := c.cfg.Accounts.Record(r.Context(), actor(r, v), "logout", v.user().Login, nil); err != nil {
		return err
	}
	c.setCookie(w, sessionCookie, "", -1)
	return c.redirect(w, r, "/login", flash{OK: true, Key: "console.flash.logged_out"})
}

// home sends the operator to the first page they may see.
func (c *Console) home(w http.ResponseWriter, r *http.Request, v *visit) error {
	nav := c.nav(v)
	if len(nav) == 0 {
		return forbid("console.refused.role")
	}
	http.Redirect(w, r, nav[0].Path, http.StatusSeeOther)
	return nil
}
