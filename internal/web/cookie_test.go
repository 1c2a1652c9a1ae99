package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"hodan/internal/i18n"
	"hodan/internal/web"
)

// TestFlashRoundTrip: the message an action leaves is read once by the
// next page; a cookie naming a message of another front end is ignored.
func TestFlashRoundTrip(t *testing.T) {
	c := web.Cookies{}
	w := httptest.NewRecorder()
	c.Redirect(w, httptest.NewRequest(http.MethodPost, "/x", nil), "/y", "f", web.Flash{OK: true, Key: "ui.flash.saved", Args: []string{"Lò Văn Sáu"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/y" {
		t.Fatalf("redirect: %d to %q", w.Code, w.Header().Get("Location"))
	}
	next := httptest.NewRequest(http.MethodGet, "/y", nil)
	for _, ck := range w.Result().Cookies() {
		next.AddCookie(ck)
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s is not HttpOnly and SameSite=Strict", ck.Name)
		}
	}
	if f := c.TakeFlash(httptest.NewRecorder(), next, "f", "console."); f != nil {
		t.Errorf("another front end's prefix took %+v", f)
	}
	f := c.TakeFlash(httptest.NewRecorder(), next, "f", "ui.")
	if f == nil || !f.OK || f.Key != "ui.flash.saved" || len(f.Args) != 1 || f.Args[0] != "Lò Văn Sáu" {
		t.Errorf("the flash read back: %+v", f)
	}
}

func TestLanguage(t *testing.T) {
	c := web.Cookies{}
	w := httptest.NewRecorder()
	if l := c.Language(w, httptest.NewRequest(http.MethodGet, "/?lang=en", nil), "lang", i18n.VI); l != i18n.EN {
		t.Errorf("?lang=en: %s", l)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, ck := range w.Result().Cookies() {
		r.AddCookie(ck)
	}
	if l := c.Language(httptest.NewRecorder(), r, "lang", i18n.VI); l != i18n.EN {
		t.Errorf("remembered: %s, want en", l)
	}
	if l := c.Language(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), "lang", i18n.VI); l != i18n.VI {
		t.Errorf("fallback: %s, want vi", l)
	}
}
