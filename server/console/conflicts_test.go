package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"hodan/ops"
	"hodan/syncengine"
)

// conflictFixture is dupFixture's server with two officers' laptops of
// commune A and one of commune B, and conflicts they made: on the
// poverty status of Bùi Văn Thao's household, on the amount and the
// delivery date of a support record of Bui Van Thao's, on the relation of
// his member Bùi Văn Nam, on his household's village; and in commune B on
// Sùng A Chứ's status.
type conflictFixture struct {
	*dupFixture
	lan, vang, pao *laptop // Hà Thị Lan and Vàng A Dình of A, Giàng A Páo of B
	bo, mon        string  // villages of A
}

func mustConflictFixture(t *testing.T) *conflictFixture {
	t.Helper()
	d := mustDupFixture(t)
	f := &conflictFixture{dupFixture: d, lan: d.laptop(t, "Hà Thị Lan", communeA), vang: d.laptop(t, "Vàng A Dình", communeA),
		pao: d.laptop(t, "Giàng A Páo", communeB), bo: d.S.Insert("villages", map[string]any{"commune_code": communeA, "name": "Bản Bó"}),
		mon: d.S.Insert("villages", map[string]any{"commune_code": communeA, "name": "Bản Mòn"})}
	other := d.laptop(t, "Thào A Lử", communeB)
	for _, l := range []*laptop{f.lan, f.vang, f.pao, other} {
		l.sync(t)
	}
	// Each laptop writes before either syncs: the second value wins.
	f.lan.set(t, "households", d.thao, map[string]any{"poverty_status": "near_poor"})
	f.lan.set(t, "support_records", d.supply, map[string]any{"amount_vnd": 1500000, "delivered_date": "2026-11-03"})
	f.lan.set(t, "members", d.member, map[string]any{"relation": "child"})
	f.lan.set(t, "households", d.thao2, map[string]any{"village_id": f.bo})
	f.vang.set(t, "households", d.thao, map[string]any{"poverty_status": "escaped_poverty"})
	f.vang.set(t, "support_records", d.supply, map[string]any{"amount_vnd": 2000000, "delivered_date": "2026-11-05"})
	f.vang.set(t, "members", d.member, map[string]any{"relation": "spouse"})
	f.vang.set(t, "households", d.thao2, map[string]any{"village_id": f.mon})
	f.pao.set(t, "households", d.chu, map[string]any{"poverty_status": "near_poor"})
	other.set(t, "households", d.chu, map[string]any{"poverty_status": "poor"})
	for _, l := range []*laptop{f.lan, f.vang, f.pao, other} {
		l.sync(t)
	}
	return f
}

// sync syncs the laptop with the server.
func (l *laptop) sync(t *testing.T) {
	t.Helper()
	if _, err := l.Client.Sync(context.Background(), l.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// set changes the record id of table on the laptop.
func (l *laptop) set(t *testing.T, table, id string, values map[string]any) {
	t.Helper()
	err := l.DB.Write(context.Background(), func(tx *syncengine.Tx) error {
		return tx.Update(table, syncengine.RowID(uuid.MustParse(id)), values)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// openConflicts are the conflicts db holds that nobody resolved.
func openConflicts(t *testing.T, db *syncengine.DB) []syncengine.ConflictView {
	t.Helper()
	views, err := ops.Conflicts(context.Background(), db, ops.Actor{}, func(syncengine.SiteID) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return syncengine.OpenOnly(views)
}

// conflictOf is the open conflict of column of the record id on db.
func conflictOf(t *testing.T, db *syncengine.DB, id, column string) syncengine.ConflictView {
	t.Helper()
	for _, cv := range openConflicts(t, db) {
		if cv.Row.String() == id && cv.Column == column {
			return cv
		}
	}
	t.Fatalf("no open conflict of %s of %s", column, id)
	return syncengine.ConflictView{}
}

// povertyOf is the poverty status of the household id on db.
func povertyOf(t *testing.T, db *syncengine.DB, id string) string {
	t.Helper()
	var s string
	if err := db.SQL().QueryRow(`SELECT poverty_status FROM households WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// keepPath is where the form that resolves conflict cv posts.
func keepPath(cv syncengine.ConflictView) string { return "/conflicts/" + cv.ID + "/keep" }

var dayTime = regexp.MustCompile(`lúc \d{2}/\d{2}/\d{4} \d{2}:\d{2}`)

// TestConflictsShowNames: the operator of commune A sees each open
// conflict of A side by side: the record by name (a household by its
// head, number and village; a member by name and household; a support
// record by its household), the field's label, each value in words
// (labels, dd/mm/yyyy, money grouped), who wrote it and when, which is in
// use, and a button per side; nothing of commune B, no id in the text.
func TestConflictsShowNames(t *testing.T) {
	f := mustConflictFixture(t)
	page := f.login(t, "op.a").do(t, http.MethodGet, "/conflicts", nil, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("the conflicts: %d\n%s", page.Status, page.Body)
	}
	for _, want := range []string{"Xung đột", "Phân loại hộ", "hộ gia đình Bùi Văn Thao", "Hộ số 12", "Bản Nà Hin", "Xã Lạc Lương",
		"Hộ cận nghèo", "Hộ thoát nghèo", "Số tiền (đồng)", "1.500.000 đ", "2.000.000 đ", "Ngày giao", "03/11/2026", "05/11/2026",
		"nhân khẩu Bùi Văn Nam", "Hộ Bui Van Thao", "Quan hệ với chủ hộ", "Vợ/chồng", "Con",
		"Thôn, bản", "Bản Bó", "Bản Mòn", "Hà Thị Lan ghi lúc", "Vàng A Dình ghi lúc", "Đang dùng", "Giữ giá trị này", `name="csrf"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := len(dayTime.FindAllString(page.Body, -1)); n != 10 {
		t.Errorf("%d values say when they were written as dd/mm/yyyy HH:MM, want 10", n)
	}
	if n := strings.Count(page.Body, "Đang dùng"); n != 5 {
		t.Errorf("%d values are marked in use, want one of each of the 5 conflicts", n)
	}
	if strings.Contains(page.Body, "Sùng A Chứ") || strings.Contains(page.Body, "Giàng A Páo") {
		t.Error("the operator of A sees commune B's conflict")
	}
	text := regexp.MustCompile(`(?s)<[^>]+>`).ReplaceAllString(page.Body, " ")
	ids := []string{f.thao, f.thao2, f.member, f.supply, f.bo, f.mon, f.lan.DB.Site().String(), f.vang.DB.Site().String()}
	for _, cv := range openConflicts(t, f.DB) {
		ids = append(ids, cv.ID)
	}
	for _, id := range ids {
		if strings.Contains(text, id) || strings.Contains(text, id[:8]) {
			t.Errorf("the page shows the id %s as text", id)
		}
	}
	for _, nav := range []string{"/overview", "/reports/freshness"} {
		if p := f.login(t, "op.a").do(t, http.MethodGet, nav, nil, nil); !strings.Contains(p.Body, `href="/conflicts"`) {
			t.Errorf("%s does not link its count of conflicts to the page", nav)
		}
	}
}

// TestResolveFromConsole: keeping the displaced value writes it on the
// server, through the officers' operation; the conflict leaves the list,
// the action log and the auditor's page name it, the flash says it in
// words; the laptops sync to the value kept with no open conflict. A
// second click says the conflict is resolved already and writes nothing.
func TestResolveFromConsole(t *testing.T) {
	f := mustConflictFixture(t)
	c := f.login(t, "op.a")
	cv := conflictOf(t, f.DB, f.thao, "poverty_status")
	if povertyOf(t, f.DB, f.thao) != "escaped_poverty" || cv.Values[0].Value.String() != "near_poor" {
		t.Fatalf("the conflict is not the one made: %+v", cv)
	}
	got := c.post(t, keepPath(cv), url.Values{"write": {"0"}})
	if got.Status != http.StatusSeeOther || got.Header.Get("Location") != "/conflicts" {
		t.Fatalf("the resolution: %d to %q\n%s", got.Status, got.Header.Get("Location"), got.Body)
	}
	if s := povertyOf(t, f.DB, f.thao); s != "near_poor" {
		t.Errorf("the server holds %q, want the value kept", s)
	}
	if msg := c.flash(t, got); !strings.Contains(msg, "Đã giữ «Hộ cận nghèo» do Hà Thị Lan ghi ở trường Phân loại hộ của hộ Bùi Văn Thao (hộ số 12)") {
		t.Errorf("the flash after the resolution: %q", msg)
	}
	assertLogged(t, f.fixture, "conflict.resolve", cv.ID)
	if audit := f.login(t, "auditor").do(t, http.MethodGet, "/audit", nil, nil); !strings.Contains(audit.Body, "Giải quyết xung đột") ||
		!strings.Contains(audit.Body, "Phân loại hộ của hộ Bùi Văn Thao (hộ số 12): giữ «Hộ cận nghèo»") {
		t.Errorf("the auditor's action log does not name the resolution:\n%s", audit.Body)
	}
	list := c.do(t, http.MethodGet, "/conflicts", nil, nil)
	if strings.Contains(list.Body, "Hộ thoát nghèo") || !strings.Contains(list.Body, "Số xung đột chưa giải quyết: 4") {
		t.Error("the resolved conflict is still listed")
	}

	after := f.state(t)
	again := c.post(t, keepPath(cv), url.Values{"write": {"1"}})
	if again.Status != http.StatusSeeOther || !strings.Contains(c.flash(t, again), "đã được giải quyết rồi") {
		t.Errorf("a second click: %d, %q", again.Status, c.flash(t, again))
	}
	if f.state(t) != after || povertyOf(t, f.DB, f.thao) != "near_poor" {
		t.Error("a second click wrote")
	}

	for _, l := range []*laptop{f.lan, f.vang} {
		l.sync(t)
		if s := povertyOf(t, l.DB, f.thao); s != "near_poor" {
			t.Errorf("a laptop holds %q after its sync, want the value kept", s)
		}
		for _, open := range openConflicts(t, l.DB) {
			if open.ID == cv.ID {
				t.Error("a laptop still lists the conflict as open")
			}
		}
	}
}

// TestResolveResolvedMeanwhile: a conflict an officer resolved on a
// laptop and synced while the page was open is said so, and nothing is
// written.
func TestResolveResolvedMeanwhile(t *testing.T) {
	f := mustConflictFixture(t)
	c := f.login(t, "op.a")
	cv := conflictOf(t, f.DB, f.thao, "poverty_status")
	f.lan.sync(t) // the laptop learns of the conflict
	if _, err := ops.ResolveKeeping(context.Background(), f.lan.DB, conflictOf(t, f.lan.DB, f.thao, "poverty_status"), 1); err != nil {
		t.Fatal(err)
	}
	f.lan.sync(t)
	before := f.state(t)
	got := c.post(t, keepPath(cv), url.Values{"write": {"0"}})
	if msg := c.flash(t, got); got.Status != http.StatusSeeOther ||
		!strings.Contains(msg, "Trường Phân loại hộ của hộ Bùi Văn Thao (hộ số 12) đã được giải quyết rồi") {
		t.Errorf("resolving a conflict resolved meanwhile: %d, %q", got.Status, msg)
	}
	if f.state(t) != before || povertyOf(t, f.DB, f.thao) != "escaped_poverty" {
		t.Error("resolving a conflict resolved meanwhile wrote")
	}
}

// TestResolveRefused: resolving without a session, as a viewer or an
// admin (resolving is the operator's), as the operator of another
// commune, without the session's CSRF token or with a forged one, a
// conflict that does not exist, or without choosing a value, is refused
// and changes nothing.
func TestResolveRefused(t *testing.T) {
	f := mustConflictFixture(t)
	path := keepPath(conflictOf(t, f.DB, f.thao, "poverty_status"))
	opA := f.login(t, "op.a")
	cases := []struct {
		name   string
		c      *client
		method string
		path   string
		write  string
		csrf   string // the token sent, when not the session's
		status int
		says   string
	}{
		{"list without a session", f.anonymous(), "GET", "/conflicts", "", "", http.StatusSeeOther, ""},
		{"resolve without a session", f.anonymous(), "POST", path, "0", "", http.StatusSeeOther, ""},
		{"list by a viewer", f.login(t, "viewer"), "GET", "/conflicts", "", "", http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve by a viewer", f.login(t, "viewer"), "POST", path, "0", "", http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve by an admin", f.login(t, "admin"), "POST", path, "0", "", http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve another commune's", f.login(t, "op.b"), "POST", path, "0", "", http.StatusForbidden, "xã ngoài các xã"},
		{"resolve without the CSRF token", opA, "POST", path, "0", "-", http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve with a forged CSRF token", opA, "POST", path, "0", "forged", http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve with another session's token", opA, "POST", path, "0", f.login(t, "op.b").csrf, http.StatusForbidden, "Không có gì thay đổi"},
		{"resolve a conflict that does not exist", opA, "POST", "/conflicts/0123456789abcdef/keep", "0", "", http.StatusNotFound, "Không có gì thay đổi"},
		{"resolve without choosing", opA, "POST", path, "", "", http.StatusBadRequest, "Giữ giá trị này"},
		{"resolve a third value", opA, "POST", path, "2", "", http.StatusBadRequest, "Giữ giá trị này"},
	}
	before := f.state(t)
	for _, tc := range cases {
		got := tc.c.try(t, tc.method, tc.path, url.Values{"write": {tc.write}}, tc.csrf)
		assertRefused(t, tc.name, got, tc.status, tc.says)
	}
	if f.state(t) != before || povertyOf(t, f.DB, f.thao) != "escaped_poverty" {
		t.Error("a refused resolution changed the database")
	}
}

// try sends a request as a test of refusals does: a GET of path, or a
// POST of form with the session's CSRF token, or with csrf when given
// ("-": none).
func (c *client) try(t *testing.T, method, path string, form url.Values, csrf string) answer {
	t.Helper()
	switch {
	case method == http.MethodGet:
		return c.do(t, method, path, nil, nil)
	case csrf == "":
		return c.post(t, path, form)
	case csrf != "-":
		form.Set("csrf", csrf)
	}
	return c.do(t, method, path, form, nil)
}

// assertRefused checks the answer got to a request that must be refused:
// status, the login page for a request without a session (303), the
// refusal saying says, and no household's name on a 403.
func assertRefused(t *testing.T, name string, got answer, status int, says string) {
	t.Helper()
	if got.Status != status {
		t.Errorf("%s: status %d, want %d", name, got.Status, status)
	}
	if status == http.StatusSeeOther && !strings.HasPrefix(got.Header.Get("Location"), "/login") {
		t.Errorf("%s: sent to %q, want the login page", name, got.Header.Get("Location"))
	}
	if !strings.Contains(got.Body, says) {
		t.Errorf("%s: the refusal does not say %q:\n%s", name, says, got.Body)
	}
	if status == http.StatusForbidden && strings.Contains(got.Body, "Bùi Văn Thao") {
		t.Errorf("%s: the refusal shows the household", name)
	}
}

// TestResolveClickedAtOnce: clicks on a conflict's buttons that arrive
// together write one resolution and log one action; the others say the
// conflict is resolved already.
func TestResolveClickedAtOnce(t *testing.T) {
	f := mustConflictFixture(t)
	c := f.login(t, "op.a")
	path := keepPath(conflictOf(t, f.DB, f.thao, "poverty_status"))
	before := logLength(t, f.fixture)
	const clicks = 6
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Go(func() {
			<-start
			c.post(t, path, url.Values{"write": {strconv.Itoa(i % 2)}})
		})
	}
	close(start)
	wg.Wait()
	if n := logLength(t, f.fixture) - before; n != 1 {
		t.Errorf("%d clicks at once wrote %d changes, want 1", clicks, n)
	}
	actions, err := f.Accounts.Actions(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	logged := 0
	for _, a := range actions {
		if a.Action == "conflict.resolve" {
			logged++
		}
	}
	if logged != 1 {
		t.Errorf("%d clicks at once logged %d resolutions, want 1", clicks, logged)
	}
}

// logLength counts the changes the server's log holds.
func logLength(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.DB.SQL().QueryRow(`SELECT count(*) FROM sync_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
