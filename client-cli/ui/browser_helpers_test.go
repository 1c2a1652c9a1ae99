package ui_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
)

// fill types values into the form's fields by name: a text field or a
// select gets its value, a radio button of that value is checked.
func fill(t *testing.T, b *webtest.Browser, values map[string]string) {
	t.Helper()
	js, _ := json.Marshal(values)
	missing := webtest.Eval[[]string](b, `(() => { const v = `+string(js)+`, missing = [];
		for (const [name, value] of Object.entries(v)) {
			const radio = document.querySelector('input[type=radio][name="' + name + '"][value="' + value + '"]');
			if (radio) { radio.checked = true; continue; }
			const e = document.querySelector('[name="' + name + '"]');
			if (!e) { missing.push(name); continue; }
			e.value = value;
			if (e.value !== value) missing.push(name + "=" + value);
		}
		return missing; })()`)
	if len(missing) > 0 {
		t.Fatalf("no such fields or choices: %v", missing)
	}
}

// clickAndWait clicks selector and waits for the page it leads to.
func clickAndWait(t *testing.T, b *webtest.Browser, selector string) {
	t.Helper()
	webtest.Eval[bool](b, `window.__before = true`)
	b.Do(webtest.Click(selector))
	waitNewPage(t, b)
}

// waitNewPage waits until the page marked __before is replaced by another,
// loaded.
func waitNewPage(t *testing.T, b *webtest.Browser) {
	t.Helper()
	webtest.Run(b, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			done, err := chromedp.Evaluate[bool](`window.__before === undefined && document.readyState === "complete"`)(ctx, tg)
			if err == nil && done {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// path is the page's path and query.
func path(b *webtest.Browser) string {
	return webtest.Eval[string](b, `location.pathname + location.search`)
}

// texts are the visible texts of every element selector matches.
func texts(b *webtest.Browser, selector string) []string {
	return webtest.Eval[[]string](b, `Array.from(document.querySelectorAll(`+strconv.Quote(selector)+`)).map(e => e.innerText.trim())`)
}

// navigate opens url and waits for its page.
func navigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

// villageID is the id of the first village of the laptop.
func villageID(t *testing.T, s *site) string {
	t.Helper()
	rows, err := ops.List(context.Background(), s.db, schema.Villages, ops.ListQuery{})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no village: %v", err)
	}
	return rows[0]["id"].(string)
}

// mustBrowser starts a Chromium that asks for pages in Vietnamese, as an
// officer's does (headless Chromium asks for English whatever its
// --lang).
func mustBrowser(t *testing.T) *webtest.Browser {
	t.Helper()
	b := webtest.New(t)
	b.Do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0", AcceptLanguage: "vi-VN,vi;q=0.9"})
		return chromedp.Void{}, err
	})
	return b
}

// refusedOnPurpose are the console's reports of pages answered with a
// refusal the test provoked (Chromium reports every 4xx page as an
// error).
var refusedOnPurpose = regexp.MustCompile(`status of (403|404|422) `)

// shot checks what every page must be — nothing wider than the laptop's
// screen, nothing written to the console but refusals provoked on
// purpose — and keeps its screenshot as name.
func shot(t *testing.T, b *webtest.Browser, name string) {
	t.Helper()
	time.Sleep(100 * time.Millisecond) // let the console's last events arrive
	for _, msg := range b.Console() {
		if !refusedOnPurpose.MatchString(msg) {
			t.Errorf("%s: the page wrote to the console: %s", name, msg)
		}
	}
	b.FitsScreen()
	t.Logf("screenshot: %s", b.Screenshot(name))
}
