package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hodan/indicators"
	"hodan/indicators/indicatorstest"
	"hodan/internal/pgtest"
	"hodan/server/accounts"
)

// reportsFixture is the console on the district of indicatorstest.Story,
// whose figures are worked out by hand, on 20/01/2026; with a viewer and
// an operator of commune A and an operator of commune B.
func mustReportsFixture(t testing.TB) *fixture {
	t.Helper()
	s := indicatorstest.Open(t, pgtest.Source(t, filepath.Join(t.TempDir(), "server.db")), accounts.Migrations()...)
	indicatorstest.Story(s)
	s.On("20/01/2026")
	f := mustConsoleOn(t, s.DB, s.Clock, false)
	f.user(t, "xem.a", "Vi Văn Xem", accounts.Viewer, communeA)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	f.user(t, "op.b", "Hà Thị Lan", accounts.Operator, communeB)
	return f
}

// row is the text of the cells of the row with id in page, tags removed.
func row(page, id string) []string {
	m := regexp.MustCompile(`(?s)<tr id="` + id + `">(.*?)</tr>`).FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var cells []string
	for _, c := range regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`).FindAllStringSubmatch(m[1], -1) {
		text := regexp.MustCompile(`(?s)<p>.*?</p>|<[^>]+>`).ReplaceAllString(c[1], "")
		cells = append(cells, strings.TrimSpace(text))
	}
	return cells
}

// TestReportsOfOneCommune: a viewer of commune A sees A's figures as
// the hand-worked story has them, written as Vietnamese write numbers,
// and the total over A alone; commune B is nowhere, nor in the download.
func TestReportsOfOneCommune(t *testing.T) {
	f := mustReportsFixture(t)
	c := f.login(t, "xem.a")
	page := c.do(t, http.MethodGet, "/reports?kind=period&period=2025&as_of=31/12/2025", nil, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("the reports: %d\n%s", page.Status, page.Body)
	}
	for key, want := range map[string][]string{
		"households":   {"Tổng số hộ", "hộ", "5", "5"},
		"poor":         {"Số hộ nghèo", "hộ", "3", "3"},
		"poverty_rate": {"Tỷ lệ hộ nghèo", "%", "60,0%", "60,0%"},
		"insured":      {"Số người có thẻ BHYT", "người", "2", "2"},
	} {
		if got := row(page.Body, "figure-"+key); strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	for _, want := range []string{"Năm 2025", "Từ ngày 01/01/2025 đến ngày 31/12/2025", "số liệu tính đến hết ngày 31/12/2025",
		"Xã Lạc Lương", `id="rate-chart"`, `id="trend-chart"`, `id="target-chart-houses"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "Cẩm Giàng") || strings.Contains(page.Body, "2025-12-31") || strings.Contains(page.Body, communeA) {
		t.Error("the viewer of A sees commune B, an ISO date or a commune's code")
	}
	got := c.post(t, "/reports/download", url.Values{"kind": {"period"}, "period": {"2025"}, "as_of": {"31/12/2025"}, "format": {"json"}})
	var rep struct {
		Communes []map[string]any `json:"communes"`
		Total    map[string]any   `json:"total"`
	}
	if err := json.Unmarshal([]byte(got.Body), &rep); err != nil || got.Status != http.StatusOK {
		t.Fatalf("the JSON download: %d %v\n%s", got.Status, err, got.Body)
	}
	if len(rep.Communes) != 1 || rep.Communes[0]["commune"] != communeA || rep.Total["households"] != 5.0 || rep.Total["poor"] != 3.0 {
		t.Errorf("the JSON of the viewer of A: communes %v, total households %v, poor %v", rep.Communes, rep.Total["households"], rep.Total["poor"])
	}
	if name := got.Header.Get("Content-Disposition"); !strings.Contains(name, "bao-cao-chi-tieu-2025-den-20251231.json") {
		t.Errorf("the download is named %q", name)
	}
	assertLogged(t, f, "report.download", "Năm 2025")
}

// assertLogged fails unless the action log's latest entry is action on
// target.
func assertLogged(t *testing.T, f *fixture, action, target string) {
	t.Helper()
	log, err := f.Accounts.Actions(context.Background(), 1)
	if err != nil || len(log) == 0 || log[0].Action != action || log[0].Target != target {
		t.Errorf("the action log's latest entry: %+v, %v; want %s of %q", log, err, action, target)
	}
}

// TestReportsPeriodMistakes: a period or a day that is wrong is said
// beside its field, in Vietnamese, with what to type, and no report is
// made of it.
func TestReportsPeriodMistakes(t *testing.T) {
	f := mustReportsFixture(t)
	c := f.login(t, "xem.a")
	for query, want := range map[string]string{
		"kind=days&from=31/12/2025&to=01/01/2025": "kỳ báo cáo kết thúc (01/01/2025) trước khi bắt đầu (31/12/2025)",
		"kind=days&from=32/01/2025":               "gõ ngày/tháng/năm như 31/12/2025",
		"period=2025&as_of=21/01/2026":            "ngày 21/01/2026 chưa đến",
		"period=2025-Q5":                          "một quý (2025-Q4)",
	} {
		got := c.do(t, http.MethodGet, "/reports?"+query, nil, nil)
		if got.Status != http.StatusBadRequest || !strings.Contains(got.Body, want) || !strings.Contains(got.Body, `class="error" role="alert"`) {
			t.Errorf("%s: %d, want 400 saying %q", query, got.Status, want)
		}
		if strings.Contains(got.Body, `id="report-title"`) {
			t.Errorf("%s: a report was shown", query)
		}
	}
	before := f.stateOf(t)
	for _, form := range []url.Values{
		{"kind": {"period"}, "period": {"2025"}, "format": {"pdf"}},
		{"kind": {"days"}, "from": {"31/12/2025"}, "to": {"01/01/2025"}, "format": {"xlsx"}},
	} {
		if got := c.post(t, "/reports/download", form); got.Status != http.StatusBadRequest || strings.Contains(got.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download %v: %d %s", form, got.Status, got.Header.Get("Content-Disposition"))
		}
	}
	if f.stateOf(t) != before {
		t.Error("a refused download was written to the action log")
	}
}

// TestSetTargets: an operator sets the year's targets of a commune of
// theirs, typed as Vietnamese write numbers; a wrong value is said beside
// its field and nothing is set; a commune of another's, or the whole
// server, is refused.
func TestSetTargets(t *testing.T) {
	f := mustReportsFixture(t)
	c := f.login(t, "op.a")
	bad := c.post(t, "/reports/targets", url.Values{"year": {"2026"}, "commune": {communeA}, "houses": {"3"}, "water": {"nhiều"}, "poverty_rate_fall": {"120"}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `&#34;nhiều&#34; không phải là số`) || !strings.Contains(bad.Body, "không quá 100") {
		t.Errorf("wrong values: %d\n%s", bad.Status, bad.Body)
	}
	if targets(t, f, 2026) != "" {
		t.Fatalf("a refused form set targets: %s", targets(t, f, 2026))
	}
	got := c.post(t, "/reports/targets", url.Values{"year": {"2026"}, "commune": {communeA}, "houses": {"3"}, "poverty_rate_fall": {"6,5"}, "water": {""}})
	if got.Status != http.StatusSeeOther || got.Header.Get("Location") != "/reports/targets?commune="+communeA+"&year=2026" {
		t.Fatalf("setting targets: %d to %q\n%s", got.Status, got.Header.Get("Location"), got.Body)
	}
	if got := targets(t, f, 2026); got != "05362 houses 3, 05362 poverty_rate_fall 6.5" {
		t.Errorf("targets set: %s", got)
	}
	assertLogged(t, f, "targets.set", "2026 "+communeA)
	flashed := *c
	flashed.cookies = append(flashed.cookies, (&http.Response{Header: got.Header}).Cookies()...)
	page := flashed.do(t, http.MethodGet, got.Header.Get("Location"), nil, nil)
	if !strings.Contains(page.Body, `value="6,5"`) || !strings.Contains(page.Body, "Đã lưu 2 chỉ tiêu năm 2026 cho Xã Lạc Lương") {
		t.Errorf("the page after setting does not show 6,5 and the message:\n%s", page.Body)
	}
	before := f.stateOf(t)
	for _, commune := range []string{communeB, ""} {
		if got := c.post(t, "/reports/targets", url.Values{"year": {"2026"}, "commune": {commune}, "houses": {"9"}}); got.Status != http.StatusForbidden {
			t.Errorf("operator of A setting targets of %q: %d", commune, got.Status)
		}
	}
	if f.stateOf(t) != before {
		t.Error("a refused setting changed the database")
	}
}

// stateOf is the fixture's state (see fixture.state).
func (f *fixture) stateOf(t *testing.T) string { return f.state(t) }

// targets lists the targets of year in force now, as "commune key value".
func targets(t *testing.T, f *fixture, year int) string {
	t.Helper()
	set, err := indicators.TargetsAsOf(context.Background(), f.DB.SQL(), year, f.now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range set {
		out = append(out, x.Commune+" "+x.Indicator+" "+strings.TrimSuffix(strings.TrimRight(strings.TrimRight(jsonNumber(x.Value), "0"), "."), "."))
	}
	return strings.Join(out, ", ")
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
