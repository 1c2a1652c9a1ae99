package ops

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"hodan/internal/i18n"
	"hodan/schema"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Họ và tên chủ hộ":   "ho va ten chu ho",
		"HỌ VÀ TÊN CHỦ HỘ":   "ho va ten chu ho",
		"Thôn/bản":           "thon ban",
		"Thôn, bản":          "thon ban",
		"  Đồng   Tâm ":      "dong tam",
		"Số điện thoại (*)":  "so dien thoai",
		"Năm sinh\nchủ hộ":   "nam sinh chu ho",
		"Dân tộc":            "dan toc",
		"dân tộc":            "dan toc", // typed with combining accents
		"SĐT":                "sdt",
		"Phân loại hộ (1-5)": "phan loai ho 1 5",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func headerRow(texts ...string) sheetRow {
	r := sheetRow{line: 1}
	for _, s := range texts {
		r.cells = append(r.cells, cell{text: s})
	}
	return r
}

// TestMatchHeaderReadsCommuneHeaders: the headers communes write, with
// and without accents, map to columns; what import does not know is
// listed, not dropped in silence.
func TestMatchHeaderReadsCommuneHeaders(t *testing.T) {
	h := schema.Households
	row := headerRow("STT", "Họ và tên chủ hộ", "NAM SINH", "Giới tính", "Dan toc", "Thôn/bản", "Số hộ",
		"Số điện thoại", "Phân loại hộ", "Mã BHYT", "Ghi chú", "head_sex", "Năm sinh (chủ hộ)")
	m := matchHeader(h, householdHeaders, row)
	want := map[int]string{0: colIgnore, 1: "head_name", 2: "head_birth_year", 3: "head_sex", 4: "ethnicity_code",
		5: "village_id", 6: "household_number", 7: "phone", 8: "poverty_status", 10: "notes"}
	for i, name := range want {
		if m.columns[i] != name {
			t.Errorf("header %q: got column %q, want %q", row.cells[i].text, m.columns[i], name)
		}
	}
	// An unknown header, and a second header for a column already taken.
	if wantUnknown := []string{"Mã BHYT", "head_sex", "Năm sinh (chủ hộ)"}; !slices.Equal(m.unknown, wantUnknown) {
		t.Errorf("unknown = %q, want %q", m.unknown, wantUnknown)
	}
}

// TestExportHeadersImportBack: every column export writes for households
// is read back by import as the same column, under labels or names; and
// no table has two columns with the same label.
func TestExportHeadersImportBack(t *testing.T) {
	for _, tab := range schema.Tables() {
		seen := map[string]string{}
		for _, c := range tab.Columns {
			if prev, ok := seen[fold(c.Label)]; ok {
				t.Errorf("%s: columns %s and %s have the same label %q", tab.Name, prev, c.Name, c.Label)
			}
			seen[fold(c.Label)] = c.Name
		}
	}
	h := schema.Households
	for _, names := range []bool{false, true} {
		header, cols := exportHeader(h, names)
		m := matchHeader(h, householdHeaders, headerRow(header...))
		if len(m.unknown) > 0 {
			t.Errorf("names=%v: import does not know exported headers %q", names, m.unknown)
		}
		for i, col := range cols {
			if got := m.columns[i]; got != col.Name && !(col.Name == "id" && got == colRowID) {
				t.Errorf("names=%v: exported header %q reads back as %q, want %q", names, header[i], got, col.Name)
			}
		}
	}
}

func TestEthnicGroupByNameOrCode(t *testing.T) {
	idx := ethnicLookup()
	for in, want := range map[string]string{
		"Tày": "02", "tày": "02", "TAY": "02", "H'Mông": "08", "HMông": "08", "Mông": "08", "HMONG": "08", "h mông": "08",
		"Dao": "09", "dân tộc Dao": "09", "Mèo": "08", "8": "08", "08": "08", "54": "54", "Khơ-me": "05", "Khơ me": "05",
		"Kinh": "01", "Việt": "01", "Thổ": "24", // an official name wins over Tày's other name Thổ
		"Ê-đê": "12", "Ede": "12", "Bru-Vân Kiều": "23", "Vân Kiều": "23",
	} {
		if got, ok := idx.code(in); !ok || got != want {
			t.Errorf("code(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Trại" /* Dao and Sán Dìu */, "Xá Lá Vàng", "Kinh Tày", "55", "00", "", "Người Việt gốc Hoa"} {
		if got, ok := idx.code(in); ok {
			t.Errorf("code(%q) = %q; want no group", in, got)
		}
	}
	// Folding accents away never makes two official names one.
	for _, g := range schema.EthnicGroups() {
		if got, ok := idx.code(g.Name); !ok || got != g.Code {
			t.Errorf("code(%q) = %q, %v; want its own code %s", g.Name, got, ok, g.Code)
		}
		if got, ok := idx.code(fold(g.Name)); !ok || got != g.Code {
			t.Errorf("code(%q) (no accents) = %q, %v; want %s", fold(g.Name), got, ok, g.Code)
		}
	}
}

func TestReadCSVAsExcelSavesIt(t *testing.T) {
	text := "Chủ hộ;Năm sinh;Địa chỉ\r\nLò Văn Pó;1962;\"Tổ 1; bản Nà Lầu\"\r\n\r\nHoàng Thị Mai;1970;\"hai\ndòng\"\r\nNông Văn Dín;1981;x\r\n"
	for name, data := range map[string][]byte{
		"utf-8 with BOM":   append([]byte("\xef\xbb\xbf"), text...),
		"utf-8 no BOM":     []byte(text),
		"windows-1258":     mustEncode(t, text),
		"combining accent": []byte(strings.Replace(text, "Lò", "Lo\u0300", 1)),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := readCSV(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.rows[0].cells[0].text; got != "Chủ hộ" {
				t.Errorf("header %q, want Chủ hộ", got)
			}
			if got := s.rows[1].cells[2].text; got != "Tổ 1; bản Nà Lầu" {
				t.Errorf("quoted semicolon: got %q", got)
			}
			if got := s.rows[1].cells[0].text; got != "Lò Văn Pó" {
				t.Errorf("name %q, want Lò Văn Pó in NFC", got)
			}
			var lines []int
			for _, r := range s.rows {
				if !r.blank() {
					lines = append(lines, r.line)
				}
			}
			// A quoted field over two lines: the next row is on line 6.
			if want := []int{1, 2, 4, 6}; !slices.Equal(lines, want) {
				t.Errorf("lines %v, want %v", lines, want)
			}
		})
	}
}

// mustEncode writes s in Windows-1258 as Excel does: a letter the code
// page has whole (ô, ă, ò) as one byte, else its base letter (whole if it
// can be) and the combining tone mark (ộ is ô and a dot below).
func mustEncode(t *testing.T, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range s {
		whole, err := enc.String(string(r))
		if err == nil {
			out = append(out, whole...)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		done := false
		for k := 1; k < len(d) && !done; k++ { // split off one mark, keep the rest whole
			rest := append(append([]rune{}, d[:k]...), d[k+1:]...)
			base, err1 := enc.String(norm.NFC.String(string(rest)))
			mark, err2 := enc.String(string(d[k]))
			if done = err1 == nil && err2 == nil; done {
				out = append(append(out, base...), mark...)
			}
		}
		if !done {
			t.Fatalf("%q has no Windows-1258 form", r)
		}
	}
	return out
}

func TestCSVSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c\n1;2":             ',',
		"a;b;c\n1,2":             ';',
		`"x, y, z";b` + "\n":     ';',
		`"Thôn, bản",Số hộ` + "": ',',
	} {
		if got := csvSeparator([]byte(in)); got != want {
			t.Errorf("csvSeparator(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadTestdataWorkbook reads the generated commune list: the header
// under its title, dates as date cells, a phone number Excel stored as
// a number.
func TestReadTestdataWorkbook(t *testing.T) {
	s, err := ReadSheet(filepath.Join("testdata", "households_clean.xlsx"), "")
	if err != nil {
		t.Fatal(err)
	}
	hi, m, ok := findHeader(schema.Households, householdHeaders, s)
	if !ok || s.rows[hi].line != 4 || len(m.unknown) != 0 {
		t.Fatalf("header: row %d line %d unknown %q ok %v; want line 4, all known", hi, s.rows[hi].line, m.unknown, ok)
	}
	first := s.rows[hi+1]
	born := first.cellAt(2)
	if !born.date {
		t.Fatalf("Ngày sinh %+v is not read as a date cell", born)
	}
	if d, ok := cellDate(born); !ok || d.Format("02/01/2006") != born.text {
		t.Errorf("date cell %+v reads as %v, want %s", born, d, born.text)
	}
	if _, err := ReadSheet(filepath.Join("testdata", "households_clean.xlsx"), "Không có"); err == nil {
		t.Error("a sheet the workbook lacks was read")
	}
}

// newTestImporter is an importer for a laptop of commune 05362 with
// villages Nà Lầu and Chiềng, without a database.
func newTestImporter(t *testing.T, l i18n.Lang) *householdImporter {
	im := &householdImporter{lang: l, t: schema.Households, who: Actor{Officer: "Lò Thị Mai", Communes: []string{"05362"}}, today: "2025-06-01"}
	im.init()
	im.addVillage("01900000-0000-7000-8000-000000000001", "05362", "Nà Lầu")
	im.addVillage("01900000-0000-7000-8000-000000000002", "05362", "Chiềng")
	return im
}

// TestCheckRows: every kind of bad cell is found, with the file's header
// and a reason in the officer's language; clean rows come out as values.
func TestCheckRows(t *testing.T) {
	im := newTestImporter(t, i18n.VI)
	head := headerRow("Chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Thôn", "Số hộ", "SĐT", "Hộ nghèo", "Hộ cận nghèo", "Phân loại hộ")
	h := matchHeader(im.t, householdHeaders, head)
	row := func(line int, texts ...string) sheetRow {
		r := headerRow(texts...)
		r.line = line
		return r
	}
	good := im.check(row(2, "Lò Văn Pó", "15/03/1962", "nam", "H'Mông", "thôn nà lầu", "12", "912345678", "x", "", ""), h)
	if len(good.problems) > 0 || good.row == nil {
		t.Fatalf("clean row: %+v", good.problems)
	}
	want := map[string]any{"head_name": "Lò Văn Pó", "head_birth_year": int64(1962), "head_sex": "male", "ethnicity_code": "08",
		"village_id": "01900000-0000-7000-8000-000000000001", "household_number": "12", "phone": "0912345678",
		"poverty_status": "poor", "commune_code": "05362", "ethnicity_system": "qd121_1979", "poverty_standard": "nd07_2021"}
	for k, v := range want {
		if good.row.values[k] != v {
			t.Errorf("%s = %#v, want %#v", k, good.row.values[k], v)
		}
	}
	for _, c := range []struct {
		name   string
		cells  []string
		column string
		reason string
	}{
		{"bad date", []string{"A", "31/02/1980"}, "Năm sinh", "không phải ngày"},
		{"year out of range", []string{"A", "1850"}, "Năm sinh", "từ 1900 đến 2100"},
		{"no head", []string{"", "1970"}, "Chủ hộ", "bắt buộc"},
		{"unknown ethnic group", []string{"A", "1970", "", "Kinh Tày"}, "Dân tộc", "54 dân tộc"},
		{"unknown village", []string{"A", "1970", "", "", "Bản Mới"}, "Thôn", "Chiềng, Nà Lầu"},
		{"bad sex", []string{"A", "1970", "ông"}, "Giới tính", "Nam; Nữ"},
		{"bad phone", []string{"A", "1970", "", "", "", "", "không có"}, "SĐT", "số điện thoại"},
		{"two marks", []string{"A", "1970", "", "", "", "", "", "x", "x"}, "Hộ nghèo", "vừa"},
		{"bad status", []string{"A", "1970", "", "", "", "", "", "", "", "giàu"}, "Phân loại hộ", "Hộ cận nghèo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := im.check(row(7, c.cells...), h)
			if len(res.problems) != 1 {
				t.Fatalf("problems %+v, want one", res.problems)
			}
			p := res.problems[0]
			if p.Line != 7 || p.Column != c.column || !strings.Contains(p.Reason, c.reason) {
				t.Errorf("got %+v, want line 7, column %q, reason with %q", p, c.column, c.reason)
			}
		})
	}
}

// TestCheckRowsFindsDuplicates: a row the laptop holds is present, not
// bad; the same household twice in a file is bad; a household number
// another head holds is bad.
func TestCheckRowsFindsDuplicates(t *testing.T) {
	im := newTestImporter(t, i18n.EN)
	im.existing.byNumber["05362|12"] = existingHousehold{id: "id-12", name: "Lò Văn Pó"}
	im.existing.byPerson[personKey("05362", "Hoàng Thị Mai", 1970, "")] = existingHousehold{id: "id-mai", name: "Hoàng Thị Mai"}
	h := matchHeader(im.t, householdHeaders, headerRow("Chủ hộ", "Năm sinh", "Số hộ"))
	check := func(line int, texts ...string) rowResult {
		r := headerRow(texts...)
		r.line = line
		return im.check(r, h)
	}
	if res := check(2, "LÒ VĂN PÓ", "1962", "12"); res.present == nil || res.present.ID != "id-12" {
		t.Errorf("same number, same head: %+v, want present id-12", res)
	}
	if res := check(3, "Hoàng Thị Mai", "1970", ""); res.present == nil || res.present.ID != "id-mai" {
		t.Errorf("same head, year, village: %+v, want present id-mai", res)
	}
	if res := check(4, "Triệu Văn Sinh", "1950", "12"); len(res.problems) != 1 || !strings.Contains(res.problems[0].Reason, "Lò Văn Pó") {
		t.Errorf("number of another head: %+v", res)
	}
	if res := check(5, "Sùng A Chứ", "1980", "13"); res.row == nil {
		t.Fatalf("new row: %+v", res)
	}
	if res := check(6, "Sùng A Páo", "1981", "13"); len(res.problems) != 1 || !strings.Contains(res.problems[0].Reason, "line 5") {
		t.Errorf("number twice in the file: %+v", res)
	}
	if res := check(7, "Sùng A Chứ", "1980", ""); len(res.problems) != 1 || !strings.Contains(res.problems[0].Reason, "line 5") {
		t.Errorf("person twice in the file: %+v", res)
	}
}

// TestBadTestdataManifest: the generated bad list and its manifest agree
// with what import finds, line by line.
func TestBadTestdataManifest(t *testing.T) {
	var planted []struct {
		Line   int
		Column string
	}
	data, err := os.ReadFile(filepath.Join("testdata", "households_bad.expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &planted); err != nil {
		t.Fatal(err)
	}
	im := newTestImporter(t, i18n.VI)
	im.addVillage("01900000-0000-7000-8000-000000000003", "05362", "Khuổi Mười")
	im.addVillage("01900000-0000-7000-8000-000000000004", "05362", "Đồng Tâm")
	s, err := ReadSheet(filepath.Join("testdata", "households_bad.xlsx"), "")
	if err != nil {
		t.Fatal(err)
	}
	hi, h, ok := findHeader(im.t, householdHeaders, s)
	if !ok {
		t.Fatal("no header")
	}
	rep := &ImportReport{UnknownColumns: h.unknown}
	im.checkAll(s.rows[hi+1:], h, rep, nil)
	var got, want []string
	for _, p := range rep.Bad {
		got = append(got, p.Column+"@"+strconv.Itoa(p.Line))
	}
	for _, p := range planted {
		want = append(want, p.Column+"@"+strconv.Itoa(p.Line))
	}
	if !slices.Equal(got, want) {
		t.Errorf("bad cells found:\n  %q\nplanted:\n  %q", got, want)
	}
	if !slices.Equal(rep.UnknownColumns, []string{"Ghi chú thêm"}) {
		t.Errorf("unknown columns %q", rep.UnknownColumns)
	}
}

// FuzzImportCSV feeds any bytes through the import of a CSV file: it must
// not panic, and every bad row it reports has a line and a reason.
func FuzzImportCSV(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "households_semicolon.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("Chủ hộ,Năm sinh,Thôn\nA,31/02/1980,Nà Lầu\n,1850,\"x\"\"y\"\n"))
	f.Add([]byte("Họ và tên chủ hộ;Hộ nghèo;Hộ cận nghèo;Dân tộc\nA;x;x;Trại\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := readCSV(data)
		if err != nil {
			return
		}
		im := newTestImporter(t, i18n.VI)
		hi, h, ok := findHeader(im.t, householdHeaders, s)
		if !ok {
			return
		}
		rep := &ImportReport{}
		rows := im.checkAll(s.rows[hi+1:], h, rep, nil)
		for _, p := range rep.Bad {
			if p.Line <= s.rows[hi].line || p.Reason == "" {
				t.Errorf("bad row without a line below the header or a reason: %+v", p)
			}
		}
		for _, r := range rows {
			if err := im.t.CheckInsert(withVillage(r.values)); err != nil {
				t.Errorf("line %d passed the checks but the schema refuses it: %v", r.line, err)
			}
		}
	})
}

// withVillage is values with a village still to create given a row id.
func withVillage(values map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range values {
		out[k] = v
	}
	if s, ok := out["village_id"].(string); ok && strings.HasPrefix(s, "new:") {
		out["village_id"] = "01900000-0000-7000-8000-000000000009"
	}
	return out
}

// TestImportAnUploadedList reads a list as the web app receives it (a
// reader and the file's name), imports it into a laptop's database, and
// finds every household there at a second import; a list with a bad row
// writes nothing and says why, in the language asked for.
func TestImportAnUploadedList(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	csv := "Danh sách hộ;;\nChủ hộ;Năm sinh;Số hộ\nLò Văn Pó;1962;12\nHoàng Thị Mai;1970;13\n"
	list := func(text string) *HouseholdList {
		t.Helper()
		s, err := ReadSheetFrom(strings.NewReader(text), "danh-sach.csv", "")
		if err != nil {
			t.Fatal(err)
		}
		l, err := HouseholdListOf(s, "danh-sach.csv")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	opts := ImportOptions{Day: "2026-05-12", Lang: i18n.EN}
	rep, err := ImportHouseholds(ctx, db, officer, list(csv), opts)
	if err != nil || rep.Imported != 2 || rep.HeaderLine != 2 {
		t.Fatalf("first import: %+v, %v", rep, err)
	}
	rep, err = ImportHouseholds(ctx, db, officer, list(csv), opts)
	if err != nil || rep.Imported != 0 || len(rep.Present) != 2 {
		t.Errorf("second import: %+v, %v; want both present", rep, err)
	}
	rep, err = ImportHouseholds(ctx, db, officer, list(csv+"Sùng A Chứ;1850;14\n"), opts)
	if !errors.Is(err, ErrImportRefused) || rep == nil || rep.BadRows != 1 || rep.Bad[0].Line != 5 || !strings.Contains(rep.Bad[0].Reason, "from 1900 to 2100") {
		t.Errorf("a list with a bad row: %+v, %v; want it refused, line 5 said in English", rep, err)
	}
	if got, _ := List(ctx, db, schema.Households, ListQuery{}); len(got) != 2 {
		t.Errorf("%d households after the refused import, want 2", len(got))
	}
	if _, err := ReadSheetFrom(strings.NewReader(csv), "danh-sach.pdf", ""); !strings.Contains(Explain(i18n.EN, err), "danh-sach.pdf") {
		t.Errorf("an upload that is no spreadsheet: %v", err)
	}
}

// TestFirstListBringsItsVillages: on a laptop that holds no village of the
// commune yet, the first list's villages are created with it; once the
// commune has villages, a name no village has is refused, saying how to
// add it.
func TestFirstListBringsItsVillages(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	list := func(text string) *HouseholdList {
		t.Helper()
		s, err := ReadSheetFrom(strings.NewReader(text), "danh-sach.csv", "")
		if err != nil {
			t.Fatal(err)
		}
		l, err := HouseholdListOf(s, "danh-sach.csv")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	opts := ImportOptions{Day: "2026-05-12", Lang: i18n.EN}
	first := "Chủ hộ;Năm sinh;Thôn/bản\nLò Văn Pó;1962;Nà Lầu\nHoàng Thị Mai;1970;Khuổi Mười\nSùng A Chứ;1981;Nà Lầu\n"
	rep, err := ImportHouseholds(ctx, db, officer, list(first), opts)
	if err != nil || rep.Imported != 3 || len(rep.NewVillages) != 2 {
		t.Fatalf("the first list: %+v, %v; want 3 households and 2 villages made", rep, err)
	}
	if got, _ := List(ctx, db, schema.Villages, ListQuery{}); len(got) != 2 {
		t.Errorf("%d villages after the first list, want 2", len(got))
	}
	rep, err = ImportHouseholds(ctx, db, officer, list("Chủ hộ;Năm sinh;Thôn/bản\nĐinh Văn Hùng;1975;Na Lau Moi\n"), opts)
	if !errors.Is(err, ErrImportRefused) || rep == nil || rep.BadRows != 1 || !strings.Contains(rep.Bad[0].Reason, `hodan village add --name "Na Lau Moi"`) {
		t.Errorf("a village the commune lacks, once it has villages: %+v, %v; want it refused with how to add it", rep, err)
	}
}
