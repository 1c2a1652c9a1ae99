package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// testdata is where the generated commune lists are (ops/testdata/gen).
const testdata = "../ops/testdata"

// The villages the generated lists name.
var listVillages = []string{"Nà Lầu", "Khuổi Mười", "Chiềng", "Đồng Tâm"}

// hodanIn runs hodan on d's database in language lang and returns its
// output and exit status.
func hodanIn(t *testing.T, d *device, lang string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, err := runIn(lang, bin.client, append([]string{"--db", d.db}, args...)...)
	if code = exitCode(err); code < 0 {
		t.Fatalf("hodan %s: %v", strings.Join(args, " "), err)
	}
	return stdout, stderr, code
}

// importReport is what hodan import --json prints.
type importReport struct {
	Rows     int  `json:"rows"`
	Imported int  `json:"imported"`
	Clean    int  `json:"clean"`
	BadRows  int  `json:"bad_rows"`
	Refused  bool `json:"refused"`
	Bad      []struct {
		Line   int    `json:"line"`
		Column string `json:"column"`
		Reason string `json:"reason"`
	} `json:"bad"`
	Present     []struct{ ID string } `json:"already_present"`
	NewVillages []string              `json:"new_villages"`
}

func importJSON(t *testing.T, d *device, args ...string) (importReport, int) {
	t.Helper()
	out, errOut, code := hodanIn(t, d, "vi", append([]string{"--json", "import", "households"}, args...)...)
	var rep importReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("import %v: not a report: %v\n%s\n%s", args, err, out, errOut)
	}
	return rep, code
}

// planted is the manifest of the bad list: the bad cells the generator put in.
func planted(t *testing.T) []struct {
	Line   int
	Column string
	Kind   string
} {
	t.Helper()
	var p []struct {
		Line   int
		Column string
		Kind   string
	}
	data, err := os.ReadFile(filepath.Join(testdata, "households_bad.expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &p); err != nil || len(p) == 0 {
		t.Fatalf("manifest: %v (%d cells)", err, len(p))
	}
	return p
}

// communeLaptop is a laptop of Lạc Lương with the villages the lists name.
func communeLaptop(t *testing.T, name, officer string) *device {
	t.Helper()
	srv := startServer(t, serverDB(t))
	d := enrolled(t, srv, name, officer, lacLuong)
	for _, v := range listVillages {
		d.add(t, "village", "--name", v)
	}
	return d
}

// TestImportRefusesABadFileAndNamesEveryBadRow: a list with bad rows
// imports nothing, says which line and column is wrong and why, in
// Vietnamese; --dry-run writes nothing; --skip-bad imports exactly the
// clean rows and still lists the bad ones.
func TestImportRefusesABadFileAndNamesEveryBadRow(t *testing.T) {
	a := communeLaptop(t, "a", "Lò Thị Mai")
	bad := filepath.Join(testdata, "households_bad.xlsx")
	before := a.digest(t, lacLuong)

	out, errOut, code := hodanIn(t, a, "vi", "import", "households", bad)
	if code != 1 {
		t.Fatalf("bad file: exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, p := range planted(t) {
		if want := fmt.Sprintf("Dòng %d, cột «%s»", p.Line, p.Column); !strings.Contains(out, want) {
			t.Errorf("the report does not name %s (%s):\n%s", want, p.Kind, out)
		}
	}
	for _, says := range []string{"bỏ trống, mà cột này bắt buộc", "phải là số từ 1900 đến 2100", "«Ghi chú thêm»"} {
		if !strings.Contains(out, says) {
			t.Errorf("the report does not say %q:\n%s", says, out)
		}
	}
	if !strings.Contains(errOut, "chưa nhập gì") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("stderr is not one line saying nothing was imported: %q", errOut)
	}
	if n := len(a.list(t, "household")); n != 0 || a.digest(t, lacLuong) != before {
		t.Fatalf("a refused import wrote: %d households", n)
	}

	dry, code := importJSON(t, a, "--dry-run", filepath.Join(testdata, "households_clean.xlsx"))
	if code != 0 || dry.Clean != 50 || dry.Imported != 0 {
		t.Fatalf("dry run: exit %d, %+v; want 50 clean, none imported", code, dry)
	}
	if n := len(a.list(t, "household")); n != 0 || a.digest(t, lacLuong) != before {
		t.Fatalf("--dry-run wrote %d households", n)
	}

	skip, code := importJSON(t, a, "--skip-bad", bad)
	if code != 0 || skip.BadRows == 0 || skip.Imported != skip.Rows-skip.BadRows {
		t.Fatalf("--skip-bad: exit %d, %+v; want the clean rows imported", code, skip)
	}
	lines := map[int]bool{}
	for _, b := range skip.Bad {
		lines[b.Line] = true
	}
	for _, p := range planted(t) {
		if !lines[p.Line] {
			t.Errorf("--skip-bad does not list bad line %d", p.Line)
		}
	}
	if n := len(a.list(t, "household")); n != skip.Imported {
		t.Errorf("--skip-bad: %d households here, report says %d imported", n, skip.Imported)
	}
}

// TestImportCommuneList imports a commune's list as it keeps it, finds it
// all again on a second import, and reads Excel's semicolon CSV.
func TestImportCommuneList(t *testing.T) {
	a := communeLaptop(t, "a", "Lò Thị Mai")
	clean := filepath.Join(testdata, "households_clean.xlsx")
	rep, code := importJSON(t, a, clean)
	if code != 0 || rep.Imported != 50 || rep.BadRows != 0 {
		t.Fatalf("clean list: exit %d, %+v", code, rep)
	}
	rows := a.list(t, "household")
	if len(rows) != 50 {
		t.Fatalf("%d households after import, want 50", len(rows))
	}
	// The first row of the list, as the workbook holds it.
	f, err := excelize.OpenFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	name, _ := f.GetCellValue(sheet, "B5")
	born, _ := f.GetCellValue(sheet, "C5")
	f.Close()
	bornOn, err := time.Parse("02/01/2006", born)
	if err != nil {
		t.Fatalf("C5 %q is not shown as a date: %v", born, err)
	}
	var first map[string]any
	for _, r := range rows {
		if r["head_name"] == name {
			first = a.show(t, "household", r["id"].(string))
		}
	}
	if first == nil {
		t.Fatalf("no household %q after import", name)
	}
	if first["head_birth_year"] != float64(bornOn.Year()) || first["ethnicity_code"] != "02" || first["phone"] != "0912000000" || first["poverty_status"] != "poor" || first["village_id"] == nil {
		t.Errorf("row 5 imported as %v", first)
	}

	again, code := importJSON(t, a, clean)
	if code != 0 || again.Imported != 0 || len(again.Present) != 50 {
		t.Errorf("second import: exit %d, %d imported, %d present; want 0 and 50", code, again.Imported, len(again.Present))
	}
	if n := len(a.list(t, "household")); n != 50 {
		t.Errorf("%d households after importing the list twice, want 50", n)
	}

	out, errOut, code := hodanIn(t, a, "en", "import", "households", filepath.Join(testdata, "households_semicolon.csv"))
	if code != 0 || !strings.Contains(out, "Imported 12 households.") {
		t.Errorf("semicolon CSV: exit %d\n%s\n%s", code, out, errOut)
	}

	// A laptop of two communes must be told which one a list without a
	// commune column is for.
	both := enrolled(t, startServer(t, serverDB(t)), "both", "Hà Văn Di", lacLuong, camGiang)
	if _, errOut, code := hodanIn(t, both, "en", "import", "households", clean); code != 1 || !strings.Contains(errOut, "--commune") {
		t.Errorf("two communes, no --commune: exit %d, %q", code, errOut)
	}
	if rep, code := importJSON(t, both, "--commune", camGiang, "--create-villages", clean); code != 0 || rep.Imported != 50 {
		t.Errorf("two communes, --commune: exit %d, %+v", code, rep)
	}
	if n := len(both.list(t, "household", "--commune-code", camGiang)); n != 50 {
		t.Errorf("%d households in %s after --commune %s, want 50", n, camGiang, camGiang)
	}
}

// TestExportAndImportOnAnotherLaptop exports every table, reads the
// workbooks back with excelize, and imports the households on a laptop of
// another district server: the same households, villages created.
func TestExportAndImportOnAnotherLaptop(t *testing.T) {
	a := communeLaptop(t, "a", "Lò Thị Mai")
	if rep, code := importJSON(t, a, filepath.Join(testdata, "households_clean.xlsx")); code != 0 || rep.Imported != 50 {
		t.Fatalf("import: %d, %+v", code, rep)
	}
	h := a.list(t, "household")[0]["id"].(string)
	v := a.add(t, "visit", "--household-id", h, "--purpose", "support_delivery", "--visit-date", "15/03/2025")
	a.add(t, "support", "--household-id", h, "--visit-id", v, "--program", "ntp_1719", "--kind", "new_house", "--amount-vnd", "40000000")
	dir := t.TempDir()
	for _, table := range []string{"households", "members", "visits", "support", "damage_reports", "village"} {
		for _, ext := range []string{".xlsx", ".csv"} {
			a.run(t, "export", table, "--out", filepath.Join(dir, table+ext))
		}
	}
	a.run(t, "export", "visits-report", "--out", filepath.Join(dir, "report.xlsx"), "--from", "01/01/2025", "--to", "31/12/2025")

	households := readSheet(t, filepath.Join(dir, "households.xlsx"))
	if len(households) != 51 || households[0][0] != "id" || !contains(households[0], "Họ tên chủ hộ") || !contains(households[0], "Thôn, bản") {
		t.Fatalf("households.xlsx: %d rows, header %q", len(households), households[0])
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "visits.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	date, _ := f.GetCellValue(sheet, "D2")
	raw, _ := f.GetCellValue(sheet, "D2", excelize.Options{RawCellValue: true})
	f.Close()
	if header := readSheet(t, filepath.Join(dir, "visits.xlsx"))[0]; header[3] != "Ngày thăm" {
		t.Fatalf("visits.xlsx column D is %q, want Ngày thăm", header[3])
	}
	if date != "15/03/2025" || raw == date {
		t.Errorf("visit date cell shows %q (raw %q); want a date cell shown 15/03/2025", date, raw)
	}
	report := readSheet(t, filepath.Join(dir, "report.xlsx"))
	if len(report) != 2 || !contains(report[1], "Support to build a new house") || !contains(report[1], a.show(t, "household", h)["head_name"].(string)) {
		t.Errorf("visits report: %q", report)
	}
	amount := readRaw(t, filepath.Join(dir, "support.xlsx"))
	if col := indexOf(amount[0], "Số tiền (đồng)"); col < 0 || amount[1][col] != "40000000" {
		t.Errorf("support.xlsx amount: %q", amount)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "households.csv"))
	if err != nil || !bytes.HasPrefix(csv, []byte("\xef\xbb\xbfid,")) {
		t.Errorf("households.csv does not start with a BOM and the id header: %q", csv[:min(len(csv), 20)])
	}

	b := enrolled(t, startServer(t, serverDB(t)), "b", "Hà Văn Di", lacLuong)
	rep, code := importJSON(t, b, "--create-villages", filepath.Join(dir, "households.xlsx"))
	if code != 0 || rep.Imported != 50 || len(rep.NewVillages) != len(listVillages) {
		t.Fatalf("import on laptop b: exit %d, %+v", code, rep)
	}
	if got, want := householdFacts(t, b), householdFacts(t, a); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("laptop b's households differ from a's:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep, code := importJSON(t, b, filepath.Join(dir, "households.csv")); code != 0 || rep.Imported != 0 || len(rep.Present) != 50 {
		t.Errorf("the CSV export on laptop b: exit %d, %d imported, %d present; want all present", code, rep.Imported, len(rep.Present))
	}

	_, errOut, code := hodanIn(t, a, "vi", "export", "households", "--out", filepath.Join(dir, "households.pdf"))
	if code != 1 || !strings.Contains(errOut, ".xlsx hoặc .csv") {
		t.Errorf("--out .pdf: exit %d, %q", code, errOut)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pdf") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("export left %s", e.Name())
		}
	}
}

// householdFacts are a laptop's households as sorted lines of what the
// officer recorded, without ids.
func householdFacts(t *testing.T, d *device) []string {
	t.Helper()
	villages := map[any]any{}
	for _, v := range d.list(t, "village") {
		villages[v["id"]] = v["name"]
	}
	var out []string
	for _, h := range d.list(t, "household") { // every column
		out = append(out, fmt.Sprint(h["household_number"], h["head_name"], h["head_birth_year"], h["head_sex"], h["ethnicity_code"],
			villages[h["village_id"]], h["phone"], h["poverty_status"], h["address"]))
	}
	sort.Strings(out)
	return out
}

func readSheet(t *testing.T, path string, opts ...excelize.Options) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readRaw(t *testing.T, path string) [][]string {
	return readSheet(t, path, excelize.Options{RawCellValue: true})
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestCrashDuringImport kills hodan at random instants of importing a
// list of 2,000 households: the laptop holds all of the list or none of
// it, its file is intact, and the list imports (or is found present)
// afterwards.
func TestCrashDuringImport(t *testing.T) {
	cr := newCrashRun(t, 2)
	a := communeLaptop(t, "a", "Lò Thị Mai")
	const rows = 1000
	held := 0
	for k := 0; cr.more(); k++ {
		list := bigList(t, k, rows)
		p := a.start(t, "import", "households", list)
		landed := cr.killProc("import", p)
		if !landed && !p.ok() {
			t.Fatalf("unkilled: %s", p)
		}
		assertIntact(t, a.db)
		assertReplica(t, a.db)
		n := len(a.list(t, "household"))
		switch n {
		case held:
			cr.count(landed, "nothing written")
			if rep, code := importJSON(t, a, list); code != 0 || rep.Imported != rows {
				t.Fatalf("import after the kill: exit %d, %+v", code, rep)
			}
		case held + rows:
			cr.count(landed, "all written")
			if rep, code := importJSON(t, a, list); code != 0 || len(rep.Present) != rows {
				t.Fatalf("import again after the kill: exit %d, %d present", code, len(rep.Present))
			}
		default:
			t.Fatalf("killed import left %d households; want %d or %d", n, held, held+rows)
		}
		held += rows
	}
}

// bigList writes list k of n households, each its own household number.
func bigList(t *testing.T, k, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sw.SetRow("A1", []any{"STT", "Họ và tên chủ hộ", "Năm sinh", "Dân tộc", "Thôn/bản", "Số hộ"}))
	for i := 0; i < n; i++ {
		must(sw.SetRow(fmt.Sprintf("A%d", i+2), []any{i + 1, fmt.Sprintf("Hộ %d-%d", k, i), 1940 + i%60, "Tày", listVillages[i%len(listVillages)], fmt.Sprintf("K%d-%d", k, i)}))
	}
	must(sw.Flush())
	path := filepath.Join(t.TempDir(), fmt.Sprintf("list%d.xlsx", k))
	must(f.SaveAs(path))
	return path
}
