package console_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/server/accounts"
)

// notForPeople is what a page of the console must never show: a
// record's or a laptop's id, an ISO date or time, a catalogue key, an
// enumeration's code.
var notForPeople = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-|\b\d{4}-\d{2}-\d{2}(T|\b)|\bconsole\.[a-z_]+\.[a-z_.]+|\b(near_poor|escaped_poverty|not_poor|semi_solid|new_house|ntp_1719)\b`)

// page checks what every page of the console must be: nothing wider
// than the laptop's screen, no console errors (but the refusals the test
// provoked on purpose: Chromium reports a page answered 4xx as an error),
// names and dd/mm/yyyy dates rather than ids, ISO dates or codes; and
// keeps its screenshot.
func page(t *testing.T, b *webtest.Browser, name string) {
	t.Helper()
	for _, msg := range b.Console() {
		if !regexp.MustCompile(`status of (400|401) `).MatchString(msg) {
			t.Errorf("%s: the page wrote to the console: %s", name, msg)
		}
	}
	if bad := notForPeople.FindAllString(b.Text("body"), -1); len(bad) > 0 {
		t.Errorf("%s shows %q", name, bad)
	}
	if b.English() {
		if bad := webtest.CodesInWords(b.TextNodes()); len(bad) > 0 {
			t.Errorf("%s in English shows codes where labels belong: %q", name, bad)
		}
	}
	b.FitsScreen()
	t.Logf("screenshot: %s", b.Screenshot("console-"+name))
}

// flashed waits for the message of an action that contains text, on
// the page the action led to.
func flashed(text string) chromedp.Action[chromedp.Void] {
	return holds(`(document.querySelector(".flash") || {}).textContent?.includes(` + strconv.Quote(text) + `) || false`)
}

// holds waits until the JavaScript expression expr is true: evaluating
// while the page changes fails, and is tried again.
func holds(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			if ok, err := chromedp.Evaluate[bool](expr)(ctx, tg); err == nil && ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("never true: %s: %w", expr, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// fill types value into the field of selector, replacing what it held.
func fill(selector, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(selector), value)
}

// login logs in through the login form.
func login(t *testing.T, b *webtest.Browser, url, login string) {
	t.Helper()
	b.Do(chromedp.Navigate(url+"/login"), fill("#login", login), fill("#password", password(login)),
		webtest.Click(`.login button[type=submit]`), chromedp.WaitVisible(chromedp.CSS("nav")))
}

// TestConsoleInBrowser drives the console in a real Chromium against the
// real server: log in, the overview and its chart, an enrollment code
// made and printed, a laptop revoked, an account added, the audit
// verified.
func TestConsoleInBrowser(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "an.nv", "Nguyễn Văn An", accounts.Admin)
	f.user(t, "tra.dt", "Đinh Thị Tra", accounts.Auditor)
	f.laptop(t, "Lò Văn Minh", communeA).households(t, communeA, "Bùi Văn Thảo", "Lò Thị Mai", "Vì Văn Páo", "Hà Văn Sinh", "Lò Văn Pọm", "Cầm Thị Ún")
	f.laptop(t, "Hà Thị Lan", communeB).households(t, communeB, "Sùng A Chứ", "Giàng Thị Dợ", "Thào A Lử")
	f.laptop(t, "Vàng A Dình", communeA)
	b := webtest.New(t)

	// The browser asks for English (headless Chromium's Accept-Language):
	// the console answers in English until Vietnamese is chosen, which a
	// cookie remembers.
	b.Do(chromedp.Navigate(f.URL + "/"))
	if h := b.Text("h1"); h != "Log in" {
		t.Fatalf("a visitor without a session sees %q, want the login page in English", h)
	}
	b.Do(webtest.Click(`footer a[hreflang=vi]`), chromedp.WaitVisible(chromedp.CSS(`html[lang=vi]`)))
	b.Do(chromedp.Navigate(f.URL + "/"))
	if h := b.Text("h1"); h != "Đăng nhập" {
		t.Fatalf("after choosing Vietnamese: %q", h)
	}
	page(t, b, "login")

	// A wrong password says so, in Vietnamese.
	b.Do(fill("#login", "an.nv"), fill("#password", "sai mật khẩu"), webtest.Click(`.login button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if msg := b.Text("#login-error"); !strings.Contains(msg, "mật khẩu không đúng") {
		t.Errorf("a wrong password says %q", msg)
	}

	login(t, b, f.URL, "an.nv")
	if h := b.Text("h1"); h != "Tổng quan các xã" {
		t.Fatalf("after login: %q", h)
	}
	table := b.Text("#communes")
	for _, want := range []string{"Xã Lạc Lương", "Xã Cẩm Giàng", "hôm nay"} {
		if !strings.Contains(table, want) {
			t.Errorf("the overview lacks %q:\n%s", want, table)
		}
	}
	bars := webtest.Eval[[]float64](b, `Array.from(document.querySelectorAll("#chart rect.bar")).map(r => r.getBBox().width)`)
	if len(bars) != 2 || bars[0] <= 0 || bars[1] <= bars[0] {
		// By name: Xã Cẩm Giàng (3 households), then Xã Lạc Lương (6).
		t.Errorf("the chart's bars: %v, want two, the second longer", bars)
	}
	page(t, b, "overview")

	// An enrollment code: a missing name is explained, then the code is
	// shown large with the command the officer types, and prints alone.
	b.Do(chromedp.Navigate(f.URL+"/enroll"), webtest.Click(`input[name=commune][value="`+communeA+`"]`),
		webtest.Click("#make-code"), chromedp.WaitVisible(chromedp.CSS(".field.invalid .error")))
	if msg := b.Text(".field.invalid .error"); !strings.Contains(msg, "họ tên cán bộ") {
		t.Errorf("an enrollment without a name says %q", msg)
	}
	page(t, b, "enroll-error")
	b.Do(fill("#officer", "Lường Thị Hoa"), webtest.Click("#make-code"), chromedp.WaitVisible(chromedp.CSS("#code")))
	code := b.Text("#code")
	if !regexp.MustCompile(`^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$`).MatchString(code) {
		t.Errorf("the code is %q", code)
	}
	if cmd := b.Text("#command"); cmd != "hodan init --server "+f.URL+" --enroll "+code {
		t.Errorf("the command is %q", cmd)
	}
	if who := b.Text("#code-officer") + " / " + b.Text("#code-communes"); who != "Lường Thị Hoa / Xã Lạc Lương" {
		t.Errorf("the code is for %q", who)
	}
	page(t, b, "code")
	b.Do(chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return chromedp.Void{}, err
	}))
	if shown := webtest.Eval[[]string](b, `[".top", ".who", "footer", ".no-print", "#code"].map(s => getComputedStyle(document.querySelector(s)).display)`); strings.Join(shown[:4], " ") != "none none none none" || shown[4] == "none" {
		t.Errorf("printed, the page shows (top bar, who, footer, notes, code): %v", shown)
	}
	t.Logf("screenshot: %s", b.Screenshot("console-code-print"))
	b.Do(chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return chromedp.Void{}, err
	}))

	// Revoke the laptop that never synced, after confirming.
	b.Do(chromedp.Navigate(f.URL+"/laptops"), chromedp.WaitVisible(chromedp.CSS("#laptops")))
	page(t, b, "laptops")
	b.Do(webtest.Click(`#laptops tbody tr:first-child a.button`), chromedp.WaitVisible(chromedp.CSS("#confirm-revoke")))
	if who := b.Text("#confirm-revoke"); who != "Thu hồi máy của Vàng A Dình" {
		t.Errorf("the confirmation asks %q", who)
	}
	page(t, b, "revoke")
	b.Do(webtest.Click("#confirm-revoke"), flashed("Đã thu hồi"))
	if msg := b.Text(".flash.ok"); !strings.Contains(msg, "Đã thu hồi máy của Vàng A Dình") {
		t.Errorf("after revoking: %q", msg)
	}
	if row := b.Text("#laptops tbody tr:first-child"); !strings.Contains(row, "đã thu hồi") {
		t.Errorf("the revoked laptop shows %q", row)
	}
	devices, err := f.Registry.Devices(context.Background())
	if err != nil || len(devices) != 3 || !devices[2].Revoked() || devices[0].Revoked() || devices[1].Revoked() {
		t.Errorf("the registry after revoking: %+v, %v", devices, err)
	}

	// Add an operator of commune B.
	b.Do(chromedp.Navigate(f.URL+"/accounts"), fill("#name", "Hà Thị Lan"), fill("#new-login", "lan.ht"),
		webtest.Click(`input[name=role][value=operator]`), webtest.Click(`input[name=commune][value="`+communeB+`"]`),
		fill("#new-password", "mật khẩu của Lan"), fill("#again", "mật khẩu của Lan"))
	page(t, b, "accounts")
	b.Do(webtest.Click("#add-account"), flashed("Đã thêm tài khoản"))
	if row := b.Text("#accounts"); !strings.Contains(row, "Hà Thị Lan") || !strings.Contains(row, "vận hành") {
		t.Errorf("the accounts after adding: %s", row)
	}
	if u, err := f.Accounts.User(context.Background(), "lan.ht"); err != nil || u.Role != accounts.Operator || strings.Join(u.Communes, ",") != communeB {
		t.Errorf("the account added: %+v, %v", u, err)
	}

	// The auditor verifies the log and the action log.
	b.Do(webtest.Click(".who button.link"), flashed("Đã đăng xuất"))
	login(t, b, f.URL, "tra.dt")
	b.Do(webtest.Click("#verify-log"), flashed("Nhật ký đồng bộ"))
	if msg := b.Text(".flash.ok"); !strings.Contains(msg, "Nhật ký đồng bộ toàn vẹn") {
		t.Errorf("verify says %q", msg)
	}
	page(t, b, "audit")
	b.Do(webtest.Click("#verify-actions"), flashed("Nhật ký thao tác"))
	if msg := b.Text(".flash.ok"); !strings.Contains(msg, "Nhật ký thao tác toàn vẹn") {
		t.Errorf("verify the actions says %q", msg)
	}
	log := b.Text("#actions")
	// Who did each thing, by name: a login alone is not a person.
	for _, want := range []string{"Kiểm tra nhật ký đồng bộ", "Thêm tài khoản", "Thu hồi máy", "Vàng A Dình", "Cấp mã đăng ký máy", "Đăng xuất",
		"Đinh Thị Tra", "Nguyễn Văn An"} {
		if !strings.Contains(log, want) {
			t.Errorf("the action log lacks %q", want)
		}
	}
}
