package indicators

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"hodan/internal/i18n"
	"hodan/schema"
)

// The sheets of the periodic report, in order, and the section each
// holds ("" for the summary and the plan).
var sheets = []struct {
	name    string
	section Section
}{
	{"Tổng hợp", ""}, {"Nghèo", Poverty}, {"Hỗ trợ", Support}, {"Người có uy tín", Prestige},
	{"Thiên tai", Disaster}, {"BHYT", Health}, {"Kế hoạch – thực hiện", ""}, {"Cập nhật dữ liệu", Fresh},
}

// headerRow is the row of the first table's header on every sheet: the
// rows above hold the title, and it is repeated on every printed page.
const headerRow = 5

// WriteXLSX writes the report as the spreadsheet a commune or district
// sends on: one sheet per section, each titled with the period and the
// day the data is as of, Vietnamese headers, figures as numbers with
// number formats, laid out for printing on A4 landscape, fitted to the
// page's width, with the header row repeated on every page.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		x := &sheetWriter{f: f, name: sh.name, st: st, row: headerRow}
		x.title(r)
		switch {
		case i == 0:
			x.figures(r, func(ind *Indicator) bool { return ind.Summary })
		case sh.name == "Kế hoạch – thực hiện":
			x.plan(r)
		default:
			x.section(r, sh.section)
		}
		if err := x.layout(); err != nil {
			return fmt.Errorf("xlsx: %s: %w", sh.name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// styles are the cell styles of the report.
type styles struct {
	title, header, text, count, decimal, money int
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	grouped, decimal := "#,##0", "#,##0.0"
	defs := []*excelize.Style{
		{Font: &excelize.Font{Bold: true, Size: 13}},
		{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}},
		{Border: border, CustomNumFmt: &grouped},
		{Border: border, CustomNumFmt: &decimal},
		{Border: border, CustomNumFmt: &grouped},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return styles{}, err
		}
		ids[i] = id
	}
	return styles{ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]}, nil
}

// sheetWriter writes one sheet, table after table, from the header row
// down.
type sheetWriter struct {
	f     *excelize.File
	name  string
	st    styles
	row   int // the next row to write
	width int // the widest table's columns
	err   error
}

func (x *sheetWriter) cell(col, row int, v any, style int) {
	if x.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = x.f.SetCellValue(x.name, ref, v)
	}
	if err == nil {
		err = x.f.SetCellStyle(x.name, ref, ref, style)
	}
	x.err = err
}

// title writes the report's title, period and as-of day above the tables.
func (x *sheetWriter) title(r *Report) {
	x.cell(1, 1, "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU — "+x.name, x.st.title)
	x.cell(1, 2, fmt.Sprintf("Kỳ báo cáo: %s (từ ngày %s đến ngày %s)", r.Period.Label, schema.FormatDay(r.Period.From), schema.FormatDay(r.Period.To)), x.st.text)
	asOf := "Số liệu tính đến hết ngày " + schema.FormatDay(r.AsOf)
	if r.Current {
		asOf = "Số liệu hiện tại, lập ngày " + schema.FormatDay(r.AsOf)
	}
	x.cell(1, 3, asOf, x.st.text)
}

// table writes a header row and rows of cells, then a blank row.
func (x *sheetWriter) table(header []string, rows [][]any) {
	for i, h := range header {
		x.cell(i+1, x.row, h, x.st.header)
	}
	x.width = max(x.width, len(header))
	x.row++
	for _, r := range rows {
		for i, v := range r {
			value := v
			if n, ok := v.(number); ok {
				value = n.v
			}
			x.cell(i+1, x.row, value, x.styleOf(v))
		}
		x.row++
	}
	x.row++
}

// number is a figure in a cell, with the style of its unit.
type number struct {
	v    float64
	unit Unit
}

func (x *sheetWriter) styleOf(v any) int {
	n, ok := v.(number)
	switch {
	case !ok:
		return x.st.text
	case n.unit == Percent || n.unit == Points || n.unit == Quantity:
		return x.st.decimal
	case n.unit == Dong:
		return x.st.money
	}
	return x.st.count
}

// figures writes a table of the single figures of the indicators keep
// selects: a row per commune, then the total.
func (x *sheetWriter) figures(r *Report, keep func(*Indicator) bool) {
	header := []string{"STT", "Xã"}
	var inds []*Indicator
	for _, ind := range r.Indicators {
		if !ind.breakdown() && keep(ind) {
			inds = append(inds, ind)
			header = append(header, ind.Name+" ("+UnitLabel(i18n.VI, ind.Unit)+")")
		}
	}
	if len(inds) == 0 {
		return
	}
	var rows [][]any
	for i, a := range append(r.Communes, r.Total) {
		row := []any{i + 1, a.Name}
		if a.Commune == "" {
			row[0] = ""
		}
		for _, ind := range inds {
			row = append(row, figureCell(a.Figures[ind.Key], ind.Unit))
		}
		rows = append(rows, row)
	}
	x.table(header, rows)
}

// figureCell is a figure as a cell: a number, or empty when it has none.
func figureCell(f *float64, unit Unit) any {
	if f == nil {
		return ""
	}
	return number{*f, unit}
}

// section writes the single figures of a section, then each of its
// breakdowns, and on the freshness sheet the laptops.
func (x *sheetWriter) section(r *Report, s Section) {
	x.figures(r, func(ind *Indicator) bool { return ind.Section == s })
	for _, ind := range r.Indicators {
		if ind.Section == s && ind.breakdown() {
			x.breakdown(r, ind)
		}
	}
	if s == Fresh {
		x.devices(r)
	}
}

// breakdown writes a breakdown's rows, commune by commune, then the
// total's.
func (x *sheetWriter) breakdown(r *Report, ind *Indicator) {
	x.cell(1, x.row, ind.Name, x.st.title)
	x.row++
	header := []string{"Xã"}
	for _, d := range ind.Dims {
		header = append(header, d.Name)
	}
	for _, v := range ind.Values {
		header = append(header, v.Name)
	}
	var rows [][]any
	for _, a := range append(r.Communes, r.Total) {
		for _, t := range a.Tables[ind.Key] {
			row := []any{a.Name}
			for i, d := range ind.Dims {
				row = append(row, DimLabel(d, t.Dims[i]))
			}
			for i, v := range ind.Values {
				row = append(row, number{t.Values[i], v.Unit})
			}
			rows = append(rows, row)
		}
	}
	x.table(header, rows)
}

// plan writes each area's targets: plan, done from 1 January, percent.
func (x *sheetWriter) plan(r *Report) {
	var rows [][]any
	for _, a := range append(r.Communes, r.Total) {
		for _, p := range a.Targets {
			ind, _ := ByKey(p.Indicator)
			rows = append(rows, []any{a.Name, ind.Name + " (" + UnitLabel(i18n.VI, ind.Unit) + ")", figureCell(p.Plan, ind.Unit),
				figureCell(p.Done, ind.Unit), figureCell(p.Percent, Percent)})
		}
	}
	x.table([]string{"Xã", "Chỉ tiêu", "Kế hoạch năm " + fmt.Sprint(r.Period.To.Year()),
		"Thực hiện lũy kế từ 01/01 đến " + schema.FormatDay(r.Period.To), "Tỷ lệ so với kế hoạch (%)"}, rows)
}

// devices writes the laptops' last syncs.
func (x *sheetWriter) devices(r *Report) {
	x.cell(1, x.row, fmt.Sprintf("Máy tính của cán bộ (im lặng: quá %d ngày không gửi dữ liệu)", SilentAfter), x.st.title)
	x.row++
	var rows [][]any
	for _, d := range r.Devices {
		last, silent := "chưa gửi", ""
		if d.LastSent != nil {
			last = schema.FormatDay(*d.LastSent)
		}
		if d.Silent {
			silent = "im lặng"
		}
		rows = append(rows, []any{d.Officer, d.ID.String()[:8], communeNames(d.Communes), schema.FormatDay(d.Enrolled),
			last, number{float64(d.SilentDays), Records}, silent})
	}
	x.table([]string{"Cán bộ", "Mã máy", "Xã", "Ngày đăng ký", "Gửi dữ liệu lần cuối", "Số ngày", "Tình trạng"}, rows)
}

func communeNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = schema.CommuneName(c)
	}
	return strings.Join(names, ", ")
}

// layout sets column widths and the print layout: A4 landscape, fitted
// to the width of a page, the header row repeated on every page.
func (x *sheetWriter) layout() error {
	if x.err != nil {
		return x.err
	}
	if x.width == 0 {
		x.width = 2
	}
	last, err := excelize.ColumnNumberToName(x.width)
	if err != nil {
		return err
	}
	if err := x.f.SetColWidth(x.name, "A", last, 18); err != nil {
		return err
	}
	a4, landscape, one, unbounded := 9, "landscape", 1, 0
	opts := &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &unbounded}
	if err := x.f.SetPageLayout(x.name, opts); err != nil {
		return err
	}
	fit := true
	if err := x.f.SetSheetProps(x.name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: x.name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", x.name, headerRow, headerRow)})
}
