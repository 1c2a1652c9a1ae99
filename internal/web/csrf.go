package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// CSRFField is the name of the hidden form field that carries the token.
const CSRFField = "csrf"

// CSRF makes and checks the tokens that every form of a session carries:
// a token is an HMAC of the session's id under a key of the process, so it
// needs no storage, and a page of another site, which cannot read this
// one's pages, cannot know it.
type CSRF struct{ key []byte }

// NewCSRF returns a CSRF with a fresh random key. Tokens it makes are
// valid until the process ends.
func NewCSRF() *CSRF {
	return &CSRF{key: RandomBytes(32)}
}

// Token is the token of the session whose id is session.
func (c *CSRF) Token(session string) string {
	mac := hmac.New(sha256.New, c.key)
	mac.Write([]byte("hodan/csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Valid reports whether r's form carries the token of session. It reads
// the form (r.ParseForm, or a multipart form for uploads).
func (c *CSRF) Valid(r *http.Request, session string) bool {
	got := r.PostFormValue(CSRFField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return session != "" && hmac.Equal([]byte(got), []byte(c.Token(session)))
}

// RandomBytes returns n bytes from the operating system's random source.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand's promise since Go 1.24)
	return b
}

// RandomToken returns a random token of 32 bytes, URL-safe.
func RandomToken() string {
	return base64.RawURLEncoding.EncodeToString(RandomBytes(32))
}
