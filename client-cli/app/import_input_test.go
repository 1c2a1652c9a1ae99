package app

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestImportReadsNumberCellsAndVietnameseText: a cell the spreadsheet
// holds as a number is that number, however it is formatted (21.5 in an
// unformatted cell is twenty-one and a half); a cell of text is read as
// Vietnamese write numbers (105,25 is one hundred and five and a quarter).
func TestImportReadsNumberCellsAndVietnameseText(t *testing.T) {
	b := mustVisitBench(t, langVI)
	path := filepath.Join(t.TempDir(), "ds.xlsx")
	f := excelize.NewFile()
	for cell, v := range map[string]any{
		"A1": "Họ và tên chủ hộ", "B1": "Năm sinh", "C1": "Vĩ độ", "D1": "Kinh độ", "E1": "Điểm A (thu nhập)",
		"A2": "Lò Văn Pó", "B2": 1962, "C2": 21.5, "D2": "105,25", "E2": "1.000",
	} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := b.hodan(t, "import", "households", path); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	got := b.query(t, `SELECT head_birth_year, latitude, longitude, income_score FROM households WHERE head_name = 'Lò Văn Pó'`)
	want := []any{int64(1962), 21.5, 105.25, int64(1000)}
	if len(got) != len(want) {
		t.Fatalf("imported %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d: %#v, want %#v", i, got[i], want[i])
		}
	}
}
