package ui_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
)

// TestRecordAHouseholdWithTheKeyboardAlone records a household and one of
// its members with Tab, typing and Enter only, and checks at every Tab
// that the element with the focus shows it.
func TestRecordAHouseholdWithTheKeyboardAlone(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	b := mustBrowser(t)
	s.open(t, b)

	tabTo(t, b, `a[href="/records/households/new"]`)
	press(t, b, kb.Enter)
	waitNewPage(t, b)
	if got := focused(b); got != "head_name" {
		t.Fatalf("the form opens with the focus on %q, want the head's name", got)
	}
	typeText(b, "Vi Văn Tám")
	tabTo(t, b, `[name="head_birth_year"]`)
	typeText(b, "1980")
	shot(t, b, "ui-keyboard-form")
	press(t, b, kb.Enter) // Enter in a field sends its form
	waitNewPage(t, b)
	if !strings.HasPrefix(path(b), "/households/") || !strings.Contains(b.Text("main h1"), "Vi Văn Tám") {
		t.Fatalf("after Enter: %s, %q", path(b), b.Text("main h1"))
	}

	tabTo(t, b, "#add-members")
	press(t, b, kb.Enter)
	waitNewPage(t, b)
	typeText(b, "Vi Thị Nhung")
	press(t, b, kb.Enter)
	waitNewPage(t, b)
	if got := texts(b, "#members tbody th"); len(got) != 1 || got[0] != "Vi Thị Nhung" {
		t.Errorf("the member recorded with the keyboard: %q", got)
	}
	rows, err := ops.List(context.Background(), s.db, schema.Households, ops.ListQuery{Search: "vi van tam"})
	if err != nil || len(rows) != 1 || rows[0][schema.ColHeadBirthYear] != int64(1980) {
		t.Errorf("the household in the database: %v %v", rows, err)
	}
}

// press presses key where the focus is.
func press(t *testing.T, b *webtest.Browser, key string) {
	t.Helper()
	webtest.Eval[bool](b, `window.__before = true`)
	b.Do(chromedp.KeyEvent(key))
}

// typeText types text where the focus is.
func typeText(b *webtest.Browser, text string) {
	b.Do(chromedp.KeyEvent(text))
}

// focused names the element with the focus: its name, id or text.
func focused(b *webtest.Browser) string {
	return webtest.Eval[string](b, `(() => { const e = document.activeElement; return e.name || e.id || e.innerText.trim() })()`)
}

// tabTo presses Tab until the element selector matches has the focus,
// failing if a focused element on the way does not show its focus.
func tabTo(t *testing.T, b *webtest.Browser, selector string) {
	t.Helper()
	for range 60 {
		b.Do(chromedp.KeyEvent(kb.Tab))
		shown := webtest.Eval[string](b, `(() => { const e = document.activeElement, s = getComputedStyle(e);
			return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none" ? "" : e.outerHTML.slice(0, 120) })()`)
		if shown != "" {
			t.Errorf("the focus is not visible on %s", shown)
		}
		if webtest.Eval[bool](b, `document.activeElement.matches(`+strconv.Quote(selector)+`)`) {
			return
		}
	}
	t.Fatalf("Tab never reached %s", selector)
}
