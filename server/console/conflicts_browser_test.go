package console_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/server/accounts"
)

// TestResolveInBrowser drives the resolution of a conflict in a real
// Chromium against the real server: two officers' laptops, both holding
// one household, change its poverty status before either syncs; the
// operator of the commune sees both values side by side with their
// officers, keeps the one displaced; both laptops sync and show the value
// kept, with no open conflict.
func TestResolveInBrowser(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	lan, vang := f.officer(t, "Hà Thị Lan", communeA), f.officer(t, "Vàng A Dình", communeA)
	v := lan.add(t, "village", "--name", "Bản Nà Hin")
	thao := lan.add(t, "household", "--head-name", "Bùi Văn Thao", "--head-birth-year", "1978", "--village-id", v,
		"--household-number", "12", "--poverty-status", "poor", "--poverty-standard", "nd07_2021")
	lan.run(t, "sync")
	vang.run(t, "sync")
	lan.run(t, "household", "set", thao, "poverty_status=near_poor")
	vang.run(t, "household", "set", thao, "poverty_status=escaped_poverty")
	lan.run(t, "sync")
	vang.run(t, "sync") // Vàng A Dình's value, written last, is in use

	b := webtest.New(t)
	b.Do(chromedp.Navigate(f.URL + "/login?lang=vi"))
	login(t, b, f.URL, "op.a")
	b.Do(webtest.Click(`nav a[href="/conflicts"]`), chromedp.WaitVisible(chromedp.CSS("#conflicts")))
	shown := b.Text("#conflicts li:first-child")
	for _, want := range []string{"Phân loại hộ", "Bùi Văn Thao", "Hộ số 12", "Bản Nà Hin", "Xã Lạc Lương", "Hộ cận nghèo", "Hộ thoát nghèo",
		"Hà Thị Lan ghi lúc", "Vàng A Dình ghi lúc", "Đang dùng", "Giữ giá trị này"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the conflict lacks %q:\n%s", want, shown)
		}
	}
	if kept := b.Text("#conflicts li:first-child .side.win .value .text"); kept != "Hộ thoát nghèo" {
		t.Errorf("the value marked in use: %q", kept)
	}
	page(t, b, "conflicts")
	b.Do(chromedp.Navigate(f.URL+"/conflicts?lang=en"), chromedp.WaitVisible(chromedp.CSS("#conflicts")))
	if en := b.Text("#conflicts li:first-child"); !strings.Contains(en, "Keep this value") || !strings.Contains(en, "Written by Hà Thị Lan at") ||
		!strings.Contains(en, "In use now") {
		t.Errorf("the conflict in English: %q", en)
	}
	page(t, b, "conflicts-english")
	b.Do(chromedp.Navigate(f.URL+"/conflicts?lang=vi"), chromedp.WaitVisible(chromedp.CSS("#conflicts")))

	// Keep Hà Thị Lan's value, the one displaced.
	b.Do(webtest.Click(`#conflicts li:first-child .side:not(.win) button[type=submit]`), flashed("Đã giữ"))
	if msg := b.Text(".flash.ok"); !strings.Contains(msg, "Đã giữ «Hộ cận nghèo» do Hà Thị Lan ghi ở trường Phân loại hộ của hộ Bùi Văn Thao (hộ số 12)") {
		t.Errorf("after the resolution: %q", msg)
	}
	if none := b.Text("main .notice.ok"); !strings.Contains(none, "Không có xung đột nào") {
		t.Errorf("the list after the resolution: %q", none)
	}
	page(t, b, "conflict-resolved")

	for name, laptop := range map[string]*officer{"Hà Thị Lan": lan, "Vàng A Dình": vang} {
		laptop.run(t, "sync")
		var shown map[string]any
		if err := json.Unmarshal([]byte(laptop.run(t, "household", "show", thao)), &shown); err != nil || shown["poverty_status"] != "near_poor" {
			t.Errorf("the household on %s's laptop: %v, %v; want the value kept", name, shown["poverty_status"], err)
		}
		var open []map[string]any
		if err := json.Unmarshal([]byte(laptop.run(t, "conflicts", "list", "--open")), &open); err != nil || len(open) != 0 {
			t.Errorf("%s's laptop lists open conflicts: %v, %v", name, open, err)
		}
	}
}
