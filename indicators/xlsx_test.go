package indicators_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hodan/indicators"
)

// TestWriteXLSX reads the periodic report back: its sheets, titles and
// headers in Vietnamese, figures as numbers, the print layout.
func TestWriteXLSX(t *testing.T) {
	f := mustFixture(t)
	r := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025-Q4"), AsOf: mustDay(t, "31/12/2025")})
	var buf bytes.Buffer
	if err := indicators.WriteXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("read the file back: %v", err)
	}
	defer x.Close()
	want := []string{"Tổng hợp", "Nghèo", "Hỗ trợ", "Người có uy tín", "Thiên tai", "BHYT", "Kế hoạch – thực hiện", "Cập nhật dữ liệu"}
	if got := x.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for _, sheet := range want {
		title, _ := x.GetCellValue(sheet, "A2")
		asOf, _ := x.GetCellValue(sheet, "A3")
		if !strings.Contains(title, "Quý IV năm 2025") || !strings.Contains(title, "01/10/2025") || !strings.Contains(asOf, "31/12/2025") {
			t.Errorf("%s: title %q, %q: want the period and the as-of day", sheet, title, asOf)
		}
		layout, err := x.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v (%v), want A4 landscape fitted to one page wide", sheet, layout, err)
		}
	}
	names := x.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm.Print_Titles" && d.Scope == "Nghèo" && strings.HasSuffix(d.RefersTo, "!$5:$5")
	}) {
		t.Errorf("no header row repeated on the pages of Nghèo: %+v", names)
	}

	// The poverty sheet: a row per commune, then the total; numbers are
	// numbers.
	header, _ := x.GetRows("Nghèo")
	if len(header) < 8 || !slices.Contains(header[4], "Số hộ nghèo (hộ)") || header[4][1] != "Xã" {
		t.Fatalf("Nghèo header row: %q", header[4])
	}
	col := slices.Index(header[4], "Số hộ nghèo (hộ)")
	for i, want := range []struct{ name, poor string }{{"Xã Cẩm Giàng", "0"}, {"Xã Lạc Lương", "3"}, {"Tổng số", "3"}} {
		row := header[5+i]
		cell, _ := excelize.CoordinatesToCellName(col+1, 6+i)
		typ, _ := x.GetCellType("Nghèo", cell)
		if row[1] != want.name || row[col] != want.poor || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Errorf("Nghèo row %d: %q (type %v), want %s with %s poor households as a number", 6+i, row, typ, want.name, want.poor)
		}
	}
	rate := slices.Index(header[4], "Tỷ lệ hộ nghèo (%)")
	cell, _ := excelize.CoordinatesToCellName(rate+1, 7)
	if v, _ := x.GetCellValue("Nghèo", cell, excelize.Options{RawCellValue: true}); v != "60" {
		t.Errorf("poverty rate of Lạc Lương in %s: %q, want the number 60", cell, v)
	}

	// The plan sheet: plan, done and percent per target.
	plan, _ := x.GetRows("Kế hoạch – thực hiện")
	if !slices.ContainsFunc(plan, func(r []string) bool {
		return len(r) == 5 && r[0] == "Xã Lạc Lương" && strings.HasPrefix(r[1], "Số hộ được hỗ trợ nhà ở") && r[2] == "2" && r[3] == "2" && r[4] == "100.0"
	}) {
		t.Errorf("the plan sheet has no row of Lạc Lương's housing target (2, done 2, 100%%): %q", plan)
	}
}
