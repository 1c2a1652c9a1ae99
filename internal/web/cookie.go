package web

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hodan/internal/i18n"
)

// Cookies sets and reads the cookies of a front end: HttpOnly and
// SameSite=Strict always (no script reads them, no other site's page
// sends them), Secure when the front end speaks TLS.
type Cookies struct{ Secure bool }

// Set sets the cookie name to value; a zero age lasts as long as the
// browser, a negative one deletes the cookie.
func (c Cookies) Set(w http.ResponseWriter, name, value string, age time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Secure}
	switch {
	case age > 0:
		ck.MaxAge = int(age.Seconds())
	case age < 0:
		ck.MaxAge = -1
	}
	http.SetCookie(w, ck)
}

// Flash is the message a page shows after the action that redirected to
// it (post, then redirect): a catalogue key and its arguments, and
// whether the action went well.
type Flash struct {
	OK   bool
	Key  string
	Args []string
}

// Text is the message in l.
func (f *Flash) Text(l i18n.Lang) string {
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return i18n.T(l, f.Key, args...)
}

// Redirect ends an action: to path, with f for the next page, kept a
// minute in the cookie name.
func (c Cookies) Redirect(w http.ResponseWriter, r *http.Request, path, name string, f Flash) {
	q := url.Values{"k": {f.Key}, "a": f.Args}
	if f.OK {
		q.Set("ok", "1")
	}
	c.Set(w, name, base64.RawURLEncoding.EncodeToString([]byte(q.Encode())), time.Minute)
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// TakeFlash reads the message the last action left in the cookie name,
// and clears it; nil if there is none. Only a message whose key begins
// with prefix is taken: a cookie is the visitor's to write, and must not
// make the page say any message of the catalogue.
func (c Cookies) TakeFlash(w http.ResponseWriter, r *http.Request, name, prefix string) *Flash {
	ck, err := r.Cookie(name)
	if err != nil {
		return nil
	}
	c.Set(w, name, "", -1)
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil || !strings.HasPrefix(q.Get("k"), prefix) {
		return nil
	}
	return &Flash{OK: q.Get("ok") == "1", Key: q.Get("k"), Args: q["a"]}
}

// Language is the language to answer r in: ?lang= (remembered a year in
// the cookie name), then that cookie, then fallback.
func (c Cookies) Language(w http.ResponseWriter, r *http.Request, name string, fallback i18n.Lang) i18n.Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		if l, err := i18n.Parse(q); err == nil {
			c.Set(w, name, string(l), 365*24*time.Hour)
			return l
		}
	}
	if ck, err := r.Cookie(name); err == nil {
		if l, err := i18n.Parse(ck.Value); err == nil {
			return l
		}
	}
	return fallback
}

// SameToken reports, in constant time, whether got is the token want; an
// empty want matches nothing.
func SameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
