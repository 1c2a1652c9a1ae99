package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hodan/client-cli/app"
	"hodan/internal/web/webtest"
	"hodan/server/accounts"
)

// officer is an officer's laptop running hodan, the officer's command
// line, in this process against the fixture's server.
type officer struct{ db string }

// officer enrolls a laptop of name for communes, as `hodan init` does.
func (f *fixture) officer(t *testing.T, name string, communes ...string) *officer {
	t.Helper()
	code, err := f.Registry.CreateEnrollment(context.Background(), name, communes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	o := &officer{db: filepath.Join(t.TempDir(), "laptop.db")}
	o.run(t, "init", "--server", f.URL, "--enroll", code)
	return o
}

// run runs hodan --json with args on the laptop's database and returns
// what it prints; the test fails unless it succeeds.
func (o *officer) run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(key string) string {
		if key == "HODAN_LANG" {
			return "vi"
		}
		return ""
	}
	if code := app.Run(context.Background(), append([]string{"--db", o.db, "--json"}, args...),
		app.Env{Stdout: &out, Stderr: &errOut, Getenv: getenv}); code != 0 {
		t.Fatalf("hodan %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// add records a row of noun and returns its id.
func (o *officer) add(t *testing.T, noun string, flags ...string) string {
	t.Helper()
	var res struct{ ID string }
	if err := json.Unmarshal([]byte(o.run(t, append([]string{noun, "add"}, flags...)...)), &res); err != nil || res.ID == "" {
		t.Fatalf("hodan %s add: %v", noun, err)
	}
	return res.ID
}

// list lists the rows of noun the laptop shows.
func (o *officer) list(t *testing.T, noun string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(o.run(t, noun, "list")), &rows); err != nil {
		t.Fatalf("hodan %s list: %v", noun, err)
	}
	return rows
}

// TestMergeInBrowser drives the merge of a duplicate pair in a real
// Chromium against the real server: an officer records one family twice
// on a laptop and syncs; the operator of the commune sees the pair with
// names, numbers and villages, chooses the household to keep, reads what
// the merge will do, merges; the laptop syncs and lists the kept
// household with the other's member, the dropped one gone.
func TestMergeInBrowser(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	laptop := f.officer(t, "Hà Thị Lan", communeA)
	v := laptop.add(t, "village", "--name", "Bản Nà Hin")
	thao := laptop.add(t, "household", "--head-name", "Bùi Văn Thao", "--head-birth-year", "1978", "--village-id", v,
		"--household-number", "12", "--poverty-status", "poor", "--poverty-standard", "nd07_2021")
	thao2 := laptop.add(t, "household", "--head-name", "Bui Van Thao", "--head-birth-year", "1979", "--village-id", v,
		"--phone", "0912345678")
	member := laptop.add(t, "member", "--household-id", thao2, "--full-name", "Bùi Văn Nam", "--birth-year", "2005")
	laptop.add(t, "household", "--head-name", "Lò Thị Mai", "--village-id", v)
	laptop.run(t, "sync")

	b := webtest.New(t)
	b.Do(chromedp.Navigate(f.URL + "/login?lang=vi"))
	login(t, b, f.URL, "op.a")
	b.Do(webtest.Click(`nav a[href="/duplicates"]`), chromedp.WaitVisible(chromedp.CSS("#pairs")))
	pair := b.Text("#pairs li:first-child")
	for _, want := range []string{"Bùi Văn Thao", "Bui Van Thao", "12", "Bản Nà Hin", "Hộ nghèo", "cùng thôn", "Giữ hộ Bùi Văn Thao"} {
		if !strings.Contains(pair, want) {
			t.Errorf("the pair lacks %q:\n%s", want, pair)
		}
	}
	page(t, b, "duplicates")
	b.Do(chromedp.Navigate(f.URL+"/duplicates?lang=en"), chromedp.WaitVisible(chromedp.CSS("#pairs")))
	if pair := b.Text("#pairs li:first-child"); !strings.Contains(pair, "Keep Bùi Văn Thao's household") || !strings.Contains(pair, "same village") {
		t.Errorf("the pair in English: %q", pair)
	}
	page(t, b, "duplicates-english")
	b.Do(chromedp.Navigate(f.URL+"/duplicates?lang=vi"), chromedp.WaitVisible(chromedp.CSS("#pairs")))

	// Keep the household with the number; see what the merge does.
	b.Do(webtest.Click(`#pairs li:first-child input[type=radio][value="`+thao+`"]`), webtest.Click(`#pairs li:first-child button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#confirm-merge")))
	if what := b.Text("#confirm-merge"); what != "Gộp hộ Bui Van Thao vào hộ Bùi Văn Thao" {
		t.Errorf("the confirmation asks %q", what)
	}
	if kept, steps := b.Text("#merge-keep"), b.Text("#merge-what"); !strings.Contains(kept, "Bùi Văn Thao") || !strings.Contains(steps, "1 bản ghi") {
		t.Errorf("the confirmation keeps %q and says %q", kept, steps)
	}
	page(t, b, "merge-confirm")
	b.Do(webtest.Click("#confirm-merge"), flashed("Đã gộp"))
	if msg := b.Text(".flash.ok"); !strings.Contains(msg, "Đã gộp hộ Bui Van Thao vào hộ Bùi Văn Thao (hộ số 12); 1 bản ghi") {
		t.Errorf("after the merge: %q", msg)
	}
	page(t, b, "merged")

	// The laptop pulls the merge: the kept household with the member of
	// the other, which is listed no more.
	laptop.run(t, "sync")
	var heads []string
	for _, h := range laptop.list(t, "household") {
		heads = append(heads, h["head_name"].(string))
		if h["id"] == thao2 {
			t.Error("the laptop still lists the dropped household")
		}
	}
	if strings.Join(heads, ", ") != "Bùi Văn Thao, Lò Thị Mai" && strings.Join(heads, ", ") != "Lò Thị Mai, Bùi Văn Thao" {
		t.Errorf("the laptop lists %q", heads)
	}
	for _, m := range laptop.list(t, "member") {
		if m["id"] == member && m["household_id"] != thao {
			t.Errorf("the member belongs to %v on the laptop, want the kept household", m["household_id"])
		}
	}
	var shown map[string]any
	if err := json.Unmarshal([]byte(laptop.run(t, "household", "show", thao)), &shown); err != nil || shown["phone"] != "0912345678" {
		t.Errorf("the kept household on the laptop: %v, %v; want the phone the dropped one had", shown, err)
	}
}
