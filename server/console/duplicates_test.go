package console_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hodan/indicators/indicatorstest"
	"hodan/internal/pgtest"
	"hodan/server/accounts"
)

// dupFixture is a server whose communes each hold a family recorded
// twice, with accounts of commune A and B.
type dupFixture struct {
	*fixture
	S                     *indicatorstest.Server
	thao, thao2, mai      string // commune A: a pair, and a household alike to neither
	chu, chu2             string // commune B: a pair
	member, visit, supply string // records of thao2, which a merge moves
}

func mustDupFixture(t *testing.T) *dupFixture {
	t.Helper()
	s := indicatorstest.Open(t, pgtest.Source(t, filepath.Join(t.TempDir(), "server.db")), accounts.Migrations()...)
	d := &dupFixture{S: s, fixture: mustConsoleOn(t, s.DB, s.Clock, false)}
	naHin := s.Insert("villages", map[string]any{"commune_code": communeA, "name": "Bản Nà Hin"})
	dong := s.Insert("villages", map[string]any{"commune_code": communeB, "name": "Thôn Đông"})
	household := func(commune, village, head string, year int, more map[string]any) string {
		v := map[string]any{"commune_code": commune, "village_id": village, "head_name": head, "head_birth_year": year, "head_sex": "male"}
		for k, x := range more {
			v[k] = x
		}
		return s.Insert("households", v)
	}
	d.thao = household(communeA, naHin, "Bùi Văn Thao", 1978, map[string]any{"household_number": "12", "poverty_status": "poor",
		"poverty_standard": "nd07_2021", "ethnicity_code": "06"})
	d.thao2 = household(communeA, naHin, "Bui Van Thao", 1979, map[string]any{"phone": "0912345678"})
	d.mai = household(communeA, naHin, "Lò Thị Mai", 1990, nil)
	d.chu = household(communeB, dong, "Sùng A Chứ", 1980, map[string]any{"household_number": "3"})
	d.chu2 = household(communeB, dong, "Sùng A Chú", 1980, nil)
	d.member = s.Member(d.thao2, "Bùi Văn Nam", true, false)
	d.visit = s.Insert("visits", map[string]any{"household_id": d.thao2, "purpose": "poverty_review"})
	d.supply = s.Insert("support_records", map[string]any{"household_id": d.thao2, "program": "ntp_1719", "kind": "distributed_water", "status": "delivered"})
	d.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	d.user(t, "op.b", "Hà Thị Lan", accounts.Operator, communeB)
	d.user(t, "viewer", "Vi Văn Xem", accounts.Viewer, communeA)
	d.user(t, "admin", "Nguyễn Văn An", accounts.Admin)
	d.user(t, "auditor", "Đinh Thị Tra", accounts.Auditor)
	return d
}

// mergedInto is the household id went into, "" if none.
func (d *dupFixture) mergedInto(t *testing.T, id string) string {
	t.Helper()
	var into *string
	if err := d.DB.SQL().QueryRow(`SELECT merged_into FROM households WHERE id = ?`, id).Scan(&into); err != nil {
		t.Fatal(err)
	}
	if into == nil {
		return ""
	}
	return *into
}

// parent is the household the record id of table belongs to.
func (d *dupFixture) parent(t *testing.T, table, id string) string {
	t.Helper()
	var h string
	if err := d.DB.SQL().QueryRow(`SELECT household_id FROM `+table+` WHERE id = ?`, id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// confirmPath is the confirmation of merging drop into keep, a pair.
func confirmPath(keep, drop string) string {
	return "/duplicates/merge?" + url.Values{"a": {drop}, "b": {keep}, "keep": {keep}}.Encode()
}

// TestDuplicatesShowNames: an operator of commune A sees A's pair side by
// side, with names, numbers, villages, members and poverty status in
// words, the score and its reasons; nothing of commune B, no id in the
// text.
func TestDuplicatesShowNames(t *testing.T) {
	d := mustDupFixture(t)
	page := d.login(t, "op.a").do(t, http.MethodGet, "/duplicates", nil, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("the duplicates: %d\n%s", page.Status, page.Body)
	}
	for _, want := range []string{"Hộ có thể trùng", "Bùi Văn Thao", "Bui Van Thao", "(1978)", "(1979)", ">12<", "Bản Nà Hin",
		"Hộ nghèo", "0912345678", "cùng thôn", "năm sinh cách 1 năm", `<dd class="members">1</dd>`, "Giữ hộ Bùi Văn Thao", "Giữ hộ Bui Van Thao"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "Sùng A") || strings.Contains(page.Body, "Lò Thị Mai") {
		t.Error("the operator of A sees commune B's pair, or a household alike to none")
	}
	text := regexp.MustCompile(`(?s)<[^>]+>`).ReplaceAllString(page.Body, " ")
	if strings.Contains(text, d.thao) || strings.Contains(text, d.thao2) {
		t.Error("the page shows a household's id as text")
	}
}

// TestMergeFromConsole: the confirmation says what will happen and
// changes nothing; the merge then points the dropped household at the
// kept one, moves its records, is logged, and the pair leaves the list.
func TestMergeFromConsole(t *testing.T) {
	d := mustDupFixture(t)
	c := d.login(t, "op.a")
	before := d.state(t)
	page := c.do(t, http.MethodGet, confirmPath(d.thao, d.thao2), nil, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("the confirmation: %d\n%s", page.Status, page.Body)
	}
	for _, want := range []string{"Gộp hộ Bui Van Thao vào hộ Bùi Văn Thao", "3 bản ghi", "Hộ giữ lại", `name="csrf"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	if d.state(t) != before {
		t.Fatal("the confirmation changed the database")
	}
	got := c.post(t, "/duplicates/merge", url.Values{"keep": {d.thao}, "drop": {d.thao2}})
	if got.Status != http.StatusSeeOther || got.Header.Get("Location") != "/duplicates" {
		t.Fatalf("the merge: %d to %q\n%s", got.Status, got.Header.Get("Location"), got.Body)
	}
	if into := d.mergedInto(t, d.thao2); into != d.thao {
		t.Errorf("the dropped household went into %q, want %s", into, d.thao)
	}
	for table, id := range map[string]string{"members": d.member, "visits": d.visit, "support_records": d.supply} {
		if p := d.parent(t, table, id); p != d.thao {
			t.Errorf("the %s record belongs to %s, want the kept %s", table, p, d.thao)
		}
	}
	var phone string
	if err := d.DB.SQL().QueryRow(`SELECT phone FROM households WHERE id = ?`, d.thao).Scan(&phone); err != nil || phone != "0912345678" {
		t.Errorf("the kept household's phone: %q, %v; want the dropped one's", phone, err)
	}
	assertLogged(t, d.fixture, "household.merge", d.thao)
	if audit := d.login(t, "auditor").do(t, http.MethodGet, "/audit", nil, nil); !strings.Contains(audit.Body, "Gộp hai hộ") ||
		!strings.Contains(audit.Body, "Bui Van Thao vào Bùi Văn Thao (hộ số 12)") {
		t.Errorf("the auditor's action log does not name the merge:\n%s", audit.Body)
	}
	if msg := c.flash(t, got); !strings.Contains(msg, "Đã gộp hộ Bui Van Thao vào hộ Bùi Văn Thao (hộ số 12); 3 bản ghi") {
		t.Errorf("the flash after the merge: %q", msg)
	}
	list := c.do(t, http.MethodGet, "/duplicates", nil, nil)
	if strings.Contains(list.Body, "Bui Van Thao</dd>") || !strings.Contains(list.Body, "Không có cặp hộ nào") {
		t.Error("the merged pair is still listed")
	}

	// The pair merged is no longer one: merging it again, either way,
	// says so and changes nothing.
	after := d.state(t)
	for _, form := range []url.Values{{"keep": {d.thao}, "drop": {d.thao2}}, {"keep": {d.thao2}, "drop": {d.thao}}} {
		got := c.post(t, "/duplicates/merge", form)
		if got.Status != http.StatusSeeOther || !strings.Contains(c.flash(t, got), "không còn trong danh sách") {
			t.Errorf("merging again %v: %d, %q", form, got.Status, c.flash(t, got))
		}
	}
	if d.state(t) != after {
		t.Error("merging a pair merged already changed the database")
	}
}

// flash is the message the action answered with got leaves for the
// next page.
func (c *client) flash(t *testing.T, got answer) string {
	t.Helper()
	saved := c.cookies
	defer func() { c.cookies = saved }()
	c.cookies = append(c.cookies, (&http.Response{Header: got.Header}).Cookies()...)
	page := c.do(t, http.MethodGet, "/duplicates", nil, nil)
	m := regexp.MustCompile(`(?s)<div class="flash[^"]*"[^>]*>(.*?)</div>`).FindStringSubmatch(page.Body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestMergeRefused: a merge of a real pair without a session, by a
// viewer or an admin (reconciling is the operator's), by the operator of
// another commune, without the session's CSRF token or with a forged
// one, for a household that does not exist, or without choosing which
// to keep, is refused and changes nothing.
func TestMergeRefused(t *testing.T) {
	d := mustDupFixture(t)
	merge := url.Values{"keep": {d.thao}, "drop": {d.thao2}}
	opA := d.login(t, "op.a")
	cases := []struct {
		name   string
		c      *client
		method string
		path   string
		form   url.Values
		csrf   string // the token sent, when not the session's
		status int
		says   string
	}{
		{"list without a session", d.anonymous(), "GET", "/duplicates", nil, "", http.StatusSeeOther, ""},
		{"confirm without a session", d.anonymous(), "GET", confirmPath(d.thao, d.thao2), nil, "", http.StatusSeeOther, ""},
		{"merge without a session", d.anonymous(), "POST", "/duplicates/merge", merge, "", http.StatusSeeOther, ""},
		{"list by a viewer", d.login(t, "viewer"), "GET", "/duplicates", nil, "", http.StatusForbidden, "Không có gì thay đổi"},
		{"confirm by a viewer", d.login(t, "viewer"), "GET", confirmPath(d.thao, d.thao2), nil, "", http.StatusForbidden, "Không có gì thay đổi"},
		{"merge by a viewer", d.login(t, "viewer"), "POST", "/duplicates/merge", merge, "", http.StatusForbidden, "Không có gì thay đổi"},
		{"merge by an admin", d.login(t, "admin"), "POST", "/duplicates/merge", merge, "", http.StatusForbidden, "Không có gì thay đổi"},
		{"confirm another commune's pair", d.login(t, "op.b"), "GET", confirmPath(d.thao, d.thao2), nil, "", http.StatusForbidden, "xã ngoài các xã"},
		{"merge another commune's pair", d.login(t, "op.b"), "POST", "/duplicates/merge", merge, "", http.StatusForbidden, "xã ngoài các xã"},
		{"merge one of another commune", opA, "POST", "/duplicates/merge", url.Values{"keep": {d.thao}, "drop": {d.chu}}, "", http.StatusForbidden, "xã ngoài các xã"},
		{"merge without the CSRF token", opA, "POST", "/duplicates/merge", merge, "-", http.StatusForbidden, "Không có gì thay đổi"},
		{"merge with a forged CSRF token", opA, "POST", "/duplicates/merge", merge, "forged", http.StatusForbidden, "Không có gì thay đổi"},
		{"merge with another session's token", opA, "POST", "/duplicates/merge", merge, d.login(t, "op.b").csrf, http.StatusForbidden, "Không có gì thay đổi"},
		{"merge a household that does not exist", opA, "POST", "/duplicates/merge", url.Values{"keep": {d.thao}, "drop": {"0193a0b4-0000-7000-8000-000000000000"}}, "", http.StatusNotFound, "Không có gì thay đổi"},
		{"confirm without choosing", opA, "GET", "/duplicates/merge?" + url.Values{"a": {d.thao}, "b": {d.thao2}}.Encode(), nil, "", http.StatusBadRequest, "chọn hộ giữ lại"},
	}
	before := d.state(t)
	for _, tc := range cases {
		got := tc.c.try(t, tc.method, tc.path, url.Values{"keep": tc.form["keep"], "drop": tc.form["drop"]}, tc.csrf)
		assertRefused(t, tc.name, got, tc.status, tc.says)
	}
	if d.state(t) != before || d.mergedInto(t, d.thao2) != "" {
		t.Error("a refused merge changed the database")
	}
}

// TestConflictsNameTheirHousehold: an open conflict on the freshness page
// names its household by head, number and village.
func TestConflictsNameTheirHousehold(t *testing.T) {
	d := mustDupFixture(t)
	d.S.Conflict(d.thao)
	page := d.login(t, "op.a").do(t, http.MethodGet, "/reports/freshness", nil, nil)
	m := regexp.MustCompile(`(?s)<section class="card" aria-labelledby="conflicts-title" id="conflicts">.*?</section>`).FindString(page.Body)
	for _, want := range []string{"Nguyễn Văn H", "hộ số 12", "Bản Nà Hin", "Họ tên chủ hộ", "Xã Lạc Lương"} {
		if !strings.Contains(m, want) {
			t.Errorf("the open conflicts lack %q:\n%s", want, m)
		}
	}
}
