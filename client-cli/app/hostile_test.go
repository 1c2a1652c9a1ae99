package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"hodan/syncengine"
)

// hostile is what a name may hold that a terminal acts on: an escape that
// retitles the window, one that clears the screen, a carriage return that
// overwrites the line, a bidi override that reverses what follows.
const hostile = "Lò\x1b]0;pwned\x07 Văn\x1b[2J\rPó \u202eoáH"

// assertSafe fails if out holds anything a terminal would act on.
func assertSafe(t *testing.T, what, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s prints %q raw:\n%q", what, bad, out)
		}
	}
}

// TestAddRefusesHostileText: a control or bidi character typed in a
// field is refused, saying which and where, and nothing is written.
func TestAddRefusesHostileText(t *testing.T) {
	b := mustVisitBench(t, langVI)
	for _, name := range []string{"Lò\x1b[2J", "Lò \u202eVăn", "Lò\nVăn", "Lò\x00"} {
		_, errOut, code := b.hodan(t, "household", "add", "--head-name", name)
		if code != 1 || !strings.Contains(errOut, "U+") || !strings.Contains(errOut, "Họ tên chủ hộ") {
			t.Errorf("household add --head-name %q: exit %d, stderr %q; want a refusal naming the character", name, code, errOut)
		}
		assertSafe(t, "the refusal", errOut)
	}
	if n := b.query(t, `SELECT count(*) FROM households`); n[0] != int64(0) {
		t.Errorf("%v households written", n[0])
	}
}

// TestDisplayNeutralisesHostileText: a name that holds control or bidi
// characters (pulled from a laptop older than the rule) is shown by show
// and list with those characters made harmless.
func TestDisplayNeutralisesHostileText(t *testing.T) {
	b := mustVisitBench(t, langVI)
	var id syncengine.RowID
	err := b.db.Write(context.Background(), func(tx *syncengine.Tx) error {
		var err error // written as an older laptop would have: no rule applied
		id, err = tx.Insert("households", map[string]any{"commune_code": "05362", "head_name": hostile, "notes": "a\x1b[31m\nb"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"household", "show", id.String()}, {"household", "list"}, {"household", "list", "--search", "van"}} {
		out, errOut, code := b.hodan(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		assertSafe(t, strings.Join(args, " "), out)
		if !strings.Contains(out, "Lò�]0;pwned� V") {
			t.Errorf("%v does not show the name with its control characters marked:\n%s", args, out)
		}
	}
}

// TestConflictsListNeutralisesHostileText: conflicting values and the
// officer's name are shown harmless.
func TestConflictsListNeutralisesHostileText(t *testing.T) {
	a := &app{lang: langVI}
	v := syncengine.ConflictView{ID: uuid.NewString(), Table: "households", Column: "head_name", Row: uuid.New(),
		Current: syncengine.Text(hostile),
		Values:  []syncengine.ConflictWrite{{Value: syncengine.Text("Lò\x1b[1A\x1b[2K"), Officer: "Cán bộ\x1b]0;x\x07"}, {Value: syncengine.Text(hostile), Won: true}}}
	var list, show bytes.Buffer
	if err := a.writeConflicts(&list, []syncengine.ConflictView{v}); err != nil {
		t.Fatal(err)
	}
	if err := a.writeConflict(&show, v); err != nil {
		t.Fatal(err)
	}
	assertSafe(t, "conflicts list", list.String())
	assertSafe(t, "conflicts show", show.String())
}

// TestImportRefusesControlCharactersByLine: a NUL byte or an escape in a
// cell is a bad row on its line, and nothing is written.
func TestImportRefusesControlCharactersByLine(t *testing.T) {
	b := mustVisitBench(t, langVI)
	path := filepath.Join(t.TempDir(), "ds.csv")
	data := "Họ và tên chủ hộ,Năm sinh,Địa chỉ,Thôn\nLò Văn Pó,1962,Nà Lầu,Nà Lầu\nHà Thị\x00 Mai,1970,x,Nà Lầu\nBùi Văn Thảo,1981,\x1b[2Jbản,Nà Lầu\n" +
		"Sùng A Chứ,1980,x,Bản \u202eMới\n" // a village to create, with a name no village may hold
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := b.hodan(t, "import", "households", "--create-villages", path)
	if code != 1 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Dòng 3", "Dòng 4", "Dòng 5", "U+0000", "U+001B", "U+202E"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q:\n%s", want, out)
		}
	}
	assertSafe(t, "the import report", out)
	if n := b.query(t, `SELECT count(*) FROM households`); n[0] != int64(0) {
		t.Errorf("%v households written", n[0])
	}
}

// TestImportNamesTheLineOfInvalidUTF8: a UTF-8 file with one bad byte is
// refused naming its line, not read as Windows-1258 and found headerless.
func TestImportNamesTheLineOfInvalidUTF8(t *testing.T) {
	b := mustVisitBench(t, langVI)
	path := filepath.Join(t.TempDir(), "ds.csv")
	data := "Họ và tên chủ hộ,Năm sinh\nLò Văn Pó,1962\nHà Thị \xff Mai,1970\nBùi Văn Thảo,1981\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := b.hodan(t, "import", "households", path)
	if code != 1 || !strings.Contains(errOut, "dòng 3") || !strings.Contains(errOut, "UTF-8") {
		t.Errorf("import: exit %d, stderr %q; want a refusal naming line 3 and UTF-8", code, errOut)
	}
	if n := b.query(t, `SELECT count(*) FROM households`); n[0] != int64(0) {
		t.Errorf("%v households written", n[0])
	}
}

// formulas are cell texts a spreadsheet would run as formulas.
var formulas = []string{"=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"}

// TestExportNeutralisesFormulas: a text cell that a spreadsheet would run
// as a formula is written with a leading apostrophe, in CSV and XLSX;
// numbers, negative ones too, stay numbers; and import reads the
// apostrophe back off.
func TestExportNeutralisesFormulas(t *testing.T) {
	b := mustVisitBench(t, langVI)
	err := b.db.Write(context.Background(), func(tx *syncengine.Tx) error {
		for _, f := range formulas { // as an older laptop may hold them
			if _, err := tx.Insert("households", map[string]any{"commune_code": "05362", "head_name": "Hộ " + f, "address": f, "latitude": -12.5}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".xlsx"} {
		if _, errOut, code := b.hodan(t, "export", "households", "--column-names", "--out", filepath.Join(dir, "ho"+ext)); code != 0 {
			t.Fatalf("export %s: exit %d\n%s", ext, code, errOut)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "ho.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvRows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "ho.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xlsxRows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string][][]string{"csv": csvRows, "xlsx": xlsxRows} {
		address, lat := slices.Index(rows[0], "address"), slices.Index(rows[0], "latitude")
		for _, r := range rows[1:] {
			if !strings.HasPrefix(r[address], "'") || !slices.Contains(formulas, r[address][1:]) {
				t.Errorf("%s: address cell %q is not a formula behind an apostrophe", name, r[address])
			}
			if r[lat] != "-12,5" && r[lat] != "-12.5" {
				t.Errorf("%s: latitude cell %q, want the number -12.5", name, r[lat])
			}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(slices.Index(xlsxRows[0], "latitude")+1, 2)
	if typ, err := f.GetCellType(f.GetSheetList()[0], cell); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("the latitude %s is written as %v, not as a number", cell, typ)
	}
}

// TestExportRefusesToOverwrite: export --out does not replace a file
// that is there (the list it was imported from) unless --force says so.
func TestExportRefusesToOverwrite(t *testing.T) {
	b := mustVisitBench(t, langVI)
	b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	path := filepath.Join(t.TempDir(), "danh-sach.csv")
	if err := os.WriteFile(path, []byte("the commune's own list"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := b.hodan(t, "export", "households", "--out", path)
	if code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("export over a file: exit %d, stderr %q; want a refusal naming --force", code, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "the commune's own list" {
		t.Errorf("the file was overwritten: %q", data)
	}
	if _, errOut, code := b.hodan(t, "export", "households", "--out", path, "--force"); code != 0 {
		t.Fatalf("export --force: exit %d\n%s", code, errOut)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "Hà Thị Mai") {
		t.Errorf("--force did not write the export: %q", data)
	}
}
