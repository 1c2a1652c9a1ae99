package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hodan/indicators"
	"hodan/internal/pgtest"
	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// lacLuong is a commune of the two-tier system in force since 1 July 2025.
const lacLuong = "05362"

// clock is the wall clock of the server and of the laptop, which the
// test sets: a laptop writes offline on one day and syncs on another.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// on sets the clock to 10:00 of day (dd/mm/yyyy) in Vietnam.
func (c *clock) on(t *testing.T, day string) {
	t.Helper()
	d, err := indicators.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = d.Add(10 * time.Hour)
}

// district is a real server (Echo over httptest, on a real SQLite file)
// and one officer's laptop enrolled with it for Lạc Lương.
type district struct {
	path   string
	db     *syncengine.DB
	laptop *syncengine.DB
	client *syncengine.Client
	clock  *clock
}

func mustDistrict(t *testing.T) *district {
	t.Helper()
	return mustDistrictAt(t, filepath.Join(t.TempDir(), "server.db"))
}

// mustDistrictAt is mustDistrict with the server's store at source (a
// file, or a PostgreSQL URL).
func mustDistrictAt(t *testing.T, source string) *district {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	clk := &clock{}
	clk.on(t, "15/12/2025")
	d := &district{path: source, clock: clk}
	var err error
	if d.db, err = replica.Open(ctx, d.path, replica.Options{Migrations: serverMigrations(), Now: clk.now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.db.Close() })
	reg := registry.New(d.db, clk.now)
	srv := httptest.NewServer(httpd.New(httpd.Config{DB: d.db, Registry: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clk.now, DeviceRate: -1, NoSnapshots: true}).Handler())
	t.Cleanup(srv.Close)
	if d.laptop, err = replica.Open(ctx, filepath.Join(dir, "laptop.db"), replica.Options{Now: clk.now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.laptop.Close() })
	code, err := reg.CreateEnrollment(ctx, "Bùi Văn Thao", []string{lacLuong}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d.client = &syncengine.Client{BaseURL: srv.URL, Key: key}
	er, err := d.client.Enroll(ctx, code, d.laptop.Site())
	if err != nil {
		t.Fatal(err)
	}
	d.client.Token = er.Token
	return d
}

// write records on the laptop, offline, on day.
func (d *district) write(t *testing.T, day string, fn func(tx *syncengine.Tx) error) {
	t.Helper()
	d.clock.on(t, day)
	if err := d.laptop.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// sync syncs the laptop with the server on day.
func (d *district) sync(t *testing.T, day string) {
	t.Helper()
	d.clock.on(t, day)
	if _, err := d.client.Sync(context.Background(), d.laptop); err != nil {
		t.Fatalf("sync on %s: %v", day, err)
	}
}

// mustStory records, on one laptop, a commune's last weeks of 2025 and
// first of 2026: three households on 20/12 (synced 22/12); h1 escapes
// poverty on 28/12, offline, synced on 05/01; on 10/01 h4 and the house
// delivered to h2 on 30/12, synced on 12/01.
func mustStory(t *testing.T) *district {
	t.Helper()
	return mustStoryAt(t, filepath.Join(t.TempDir(), "server.db"))
}

// mustStoryAt is mustStory with the server's store at source.
func mustStoryAt(t *testing.T, source string) *district {
	t.Helper()
	d := mustDistrictAt(t, source)
	ids := map[string]syncengine.RowID{}
	household := func(tx *syncengine.Tx, name, head, status, ethnicity string) error {
		id, err := tx.Insert("households", map[string]any{"commune_code": lacLuong, "head_name": head,
			"poverty_status": status, "ethnicity_code": ethnicity})
		ids[name] = id
		return err
	}
	d.write(t, "20/12/2025", func(tx *syncengine.Tx) error {
		for _, h := range [][4]string{{"h1", "Bùi Văn Thao", "poor", "02"}, {"h2", "Hà Văn Minh", "poor", "06"}, {"h3", "Nguyễn Văn Hùng", "not_poor", "01"}} {
			if err := household(tx, h[0], h[1], h[2], h[3]); err != nil {
				return err
			}
		}
		return nil
	})
	d.sync(t, "22/12/2025")
	d.write(t, "28/12/2025", func(tx *syncengine.Tx) error {
		return tx.Update("households", ids["h1"], map[string]any{"poverty_status": "escaped_poverty"})
	})
	d.sync(t, "05/01/2026")
	d.write(t, "10/01/2026", func(tx *syncengine.Tx) error {
		if err := household(tx, "h4", "Bùi Văn Sáng", "poor", "02"); err != nil {
			return err
		}
		_, err := tx.Insert("support_records", map[string]any{"household_id": ids["h2"].String(), "program": "ntp_1719",
			"project_code": "DA1.ND2", "kind": "new_house", "status": "delivered", "delivered_date": "2025-12-30", "amount_vnd": 40_000_000})
		return err
	})
	d.sync(t, "12/01/2026")
	return d
}

// runWant runs hodan-server with args, in process, and returns its
// output; it fails the test unless the exit status is want.
func runWant(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := runServer(t, "", nil, args...)
	if code != want {
		t.Fatalf("hodan-server %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// reportJSON is the JSON of a report, as programs read it.
type reportJSON struct {
	Period   map[string]string `json:"period"`
	AsOf     string            `json:"as_of"`
	Current  bool              `json:"current"`
	Communes []map[string]any  `json:"communes"`
	Total    map[string]any    `json:"total"`
}

func mustReport(t *testing.T, args ...string) reportJSON {
	t.Helper()
	out, _ := runWant(t, 0, append([]string{"report", "indicators", "--json"}, args...)...)
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	return r
}

// onBothStores runs fn with the source of a new server store: a SQLite
// file, then, when HODAN_TEST_POSTGRES names a server, a PostgreSQL
// database (see package pgtest).
func onBothStores(t *testing.T, fn func(t *testing.T, source string)) {
	t.Run("SQLite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "server.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { fn(t, pgtest.Database(t)) })
}

// TestReportIndicatorsAsOf runs the command on the server's store, a file
// or a PostgreSQL database: each as-of day counts what the server had
// received by then; a change made offline in December and received in
// January counts in the poverty rate at 31/12 of a report of 2026, but
// not in a report as of 31/12.
func TestReportIndicatorsAsOf(t *testing.T) {
	onBothStores(t, testReportIndicatorsAsOf)
}

func testReportIndicatorsAsOf(t *testing.T, source string) {
	d := mustStoryAt(t, source)
	cases := []struct {
		args []string
		want map[string]any
	}{
		{[]string{"--period", "2025", "--as-of", "31/12/2025"},
			map[string]any{"households": 3.0, "poor": 2.0, "near_poor": 0.0, "poverty_rate": 200.0 / 3, "houses": 0.0}},
		{[]string{"--period", "2025", "--as-of", "2026-01-06"},
			map[string]any{"households": 3.0, "poor": 1.0, "poverty_rate": 100.0 / 3, "houses": 0.0}},
		{[]string{"--from", "01/01/2025", "--to", "31/12/2025", "--as-of", "12/01/2026"},
			map[string]any{"households": 4.0, "poor": 2.0, "poverty_rate": 50.0, "houses": 1.0, "minority_poverty_rate": 200.0 / 3}},
		{[]string{"--period", "2026-Q1", "--as-of", "06/01/2026"},
			map[string]any{"poverty_rate_year_before": 100.0 / 3, "escaped_poverty": 0.0, "poverty_rate_fall": 0.0}},
	}
	for _, tc := range cases {
		r := mustReport(t, append([]string{"--db", d.path}, tc.args...)...)
		if len(r.Communes) != 1 || r.Communes[0]["commune"] != lacLuong || r.Communes[0]["name"] != "Xã Lạc Lương" {
			t.Fatalf("%v: communes %v", tc.args, r.Communes)
		}
		for key, want := range tc.want {
			for _, area := range []map[string]any{r.Communes[0], r.Total} {
				if got, ok := area[key].(float64); !ok || !near(got, want.(float64)) {
					t.Errorf("%v: %s of %q is %v, want %v", tc.args, key, area["commune"], area[key], want)
				}
			}
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestReportIndicatorsJSON: the shape programs rely on.
func TestReportIndicatorsJSON(t *testing.T) {
	d := mustStory(t)
	r := mustReport(t, "--db", d.path, "--period", "2025-Q4", "--as-of", "31/12/2025")
	if r.Period["from"] != "2025-10-01" || r.Period["to"] != "2025-12-31" || r.Period["label"] != "Quý IV năm 2025" || r.AsOf != "2025-12-31" || r.Current {
		t.Errorf("period %v, as of %q (current %v)", r.Period, r.AsOf, r.Current)
	}
	for _, area := range append(r.Communes, r.Total) {
		for _, key := range []string{"commune", "name", "households", "poor", "near_poor", "poverty_rate", "support", "targets"} {
			if _, ok := area[key]; !ok {
				t.Errorf("%q has no %s: %v", area["name"], key, area)
			}
		}
	}
	if r.Total["commune"] != "" || r.Total["name"] != "Tổng số" {
		t.Errorf("total: commune %q, name %q", r.Total["commune"], r.Total["name"])
	}
}

// TestReportReplayedUntil: an auditor with the exported log alone replays
// it --until a day and reports on the replayed file: the same figures as
// the server's report as of that day, whether the server keeps its data
// in a file or in PostgreSQL.
func TestReportReplayedUntil(t *testing.T) {
	onBothStores(t, testReportReplayedUntil)
}

func testReportReplayedUntil(t *testing.T, source string) {
	d := mustStoryAt(t, source)
	dir := t.TempDir()
	export := filepath.Join(dir, "audit.jsonl")
	runWant(t, 0, "audit", "export", "--db", d.path, "--out", export)
	for _, tc := range []struct{ until, day, period string }{
		{"2025-12-31", "31/12/2025", "2025"},
		{"2026-01-06", "06/01/2026", "2026-Q1"},
		{"2026-01-06", "06/01/2026", "2025"},
	} {
		replayed := filepath.Join(dir, "replay-"+tc.until+"-"+tc.period+".db")
		runWant(t, 0, "audit", "replay", export, "--until", tc.until, "--out", replayed)
		server := mustReport(t, "--db", d.path, "--period", tc.period, "--as-of", tc.day)
		auditor := mustReport(t, "--db", replayed, "--period", tc.period)
		if got, want := figures(auditor), figures(server); got != want {
			t.Errorf("period %s until %s: the replayed file's report\n%s\nthe server's as of %s\n%s", tc.period, tc.until, got, tc.day, want)
		}
	}
}

// figures is a report's figures of the data, as JSON: what an export
// holds (targets, laptops, open conflicts and records waiting to be
// settled are counted on current data only).
func figures(r reportJSON) string {
	var areas []map[string]any
	for _, a := range append(r.Communes, r.Total) {
		m := map[string]any{}
		for k, v := range a {
			if k != "targets" && k != "open_conflicts" && k != "unsettled" {
				m[k] = v
			}
		}
		areas = append(areas, m)
	}
	b, _ := json.MarshalIndent(areas, "", " ")
	return string(b)
}

// TestReportIndicatorsText: the table people read is Vietnamese, names
// the communes, groups thousands with "." and writes rates with ",".
func TestReportIndicatorsText(t *testing.T) {
	d := mustStory(t)
	out, _ := runWant(t, 0, "report", "indicators", "--db", d.path, "--period", "2025", "--as-of", "12/01/2026")
	for _, want := range []string{"Năm 2025 (từ 01/01/2025 đến 31/12/2025)", "Số liệu tính đến hết ngày 12/01/2026",
		"Xã Lạc Lương", "Tổng số", "Tỷ lệ hộ nghèo", "50,0%", "40.000.000", "Hỗ trợ làm nhà mới", "Bùi Văn Thao"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, lacLuong+" ") || strings.Contains(out, "2025-12-31") {
		t.Errorf("the table shows a commune code or an ISO date:\n%s", out)
	}
}

// TestReportTargets: targets set with the command show in reports as
// plan, done and percent; a report as of a day before they were set does
// not show them.
func TestReportTargets(t *testing.T) {
	d := mustStory(t)
	runWant(t, 0, "target", "set", "--db", d.path, "--year", "2025", "--commune", lacLuong, "--houses", "2", "--poverty-fall", "6,5")
	out, _ := runWant(t, 0, "target", "list", "--db", d.path)
	if !strings.Contains(out, "Xã Lạc Lương") || !strings.Contains(out, "Số hộ được hỗ trợ nhà ở") || !strings.Contains(out, "6,5") {
		t.Errorf("target list:\n%s", out)
	}
	r := mustReport(t, "--db", d.path, "--period", "2025")
	targets, _ := json.Marshal(r.Communes[0]["targets"])
	for _, want := range []string{`"done":1,"indicator":"houses","percent":50,"plan":2`, `"indicator":"poverty_rate_fall"`} {
		if !strings.Contains(string(targets), want) {
			t.Errorf("targets %s: no %s", targets, want)
		}
	}
	// Set today, they were not known on 12/01/2026.
	if r := mustReport(t, "--db", d.path, "--period", "2025", "--as-of", "12/01/2026"); len(r.Communes[0]["targets"].([]any)) != 0 {
		t.Errorf("a report as of 12/01/2026 shows targets set today: %v", r.Communes[0]["targets"])
	}
	_, stderr := runWant(t, 1, "target", "set", "--db", d.path, "--year", "2025", "--commune", "99999", "--houses", "2")
	_, stderr2 := runWant(t, 1, "target", "set", "--db", d.path, "--year", "2025", "--commune", lacLuong)
	if !strings.Contains(stderr, "99999") || !strings.Contains(stderr2, "chưa ghi chỉ tiêu nào") {
		t.Errorf("bad targets: %q, %q", stderr, stderr2)
	}
}

// TestReportXLSX writes the periodic report, refuses to overwrite it
// without --force, and reads it back.
func TestReportXLSX(t *testing.T) {
	d := mustStory(t)
	file := filepath.Join(t.TempDir(), "bao-cao.xlsx")
	args := []string{"report", "indicators", "--db", d.path, "--period", "2025-Q4", "--as-of", "31/12/2025", "--xlsx", file}
	runWant(t, 0, args...)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr := runWant(t, 1, args...); !strings.Contains(stderr, "--force") {
		t.Errorf("a second --xlsx to the same file: %q, want a refusal naming --force", stderr)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Errorf("the refused report changed the file")
	}
	runWant(t, 0, append(args, "--force")...)
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) != 8 || sheets[0] != "Tổng hợp" {
		t.Errorf("sheets: %q", sheets)
	}
	rows, _ := x.GetRows("Tổng hợp")
	if len(rows) < 7 || rows[5][1] != "Xã Lạc Lương" || rows[6][1] != "Tổng số" {
		t.Errorf("summary rows: %q", rows)
	}
}

// TestReportRefusesBadInput: each mistake is named, with what to type,
// and nothing is written.
func TestReportRefusesBadInput(t *testing.T) {
	d := mustStory(t)
	file := filepath.Join(t.TempDir(), "r.xlsx")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "2025-Q5"}, "2025-Q4"},
		{[]string{"--as-of", "31/13/2025"}, "31/12/2025"},
		{[]string{"--as-of", "01/01/2999"}, "chưa đến"},
		{[]string{"--from", "31/12/2025", "--to", "01/01/2025"}, "kết thúc"},
		{[]string{"--period", "2025", "--from", "01/01/2025"}, "không chọn cả hai"},
		{[]string{"--commune", "123"}, "không phải mã xã"},
		{[]string{"--json", "--xlsx", file}, "không chọn cả hai"},
		{[]string{"--db", filepath.Join(t.TempDir(), "none.db")}, "không có cơ sở dữ liệu máy chủ"},
		{[]string{"--lang", "en", "--as-of", "01/01/2999"}, "--as-of: 01/01/2999 is after today"},
	} {
		args := append([]string{"report", "indicators", "--db", d.path, "--xlsx", file}, tc.args...)
		if slices.Contains(tc.args, "--json") || slices.Contains(tc.args, "--db") {
			args = append([]string{"report", "indicators", "--db", d.path}, tc.args...)
		}
		_, stderr := runWant(t, 1, args...)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: %q, want it to say %q", tc.args, stderr, tc.want)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatalf("%v: a refused report wrote %s", tc.args, file)
		}
	}
}
