// Command gen writes the spreadsheets the import tests read, as communes
// make them: real .xlsx workbooks written by excelize (dates as date
// cells, phone numbers Excel turned into numbers, a title above the
// table) and a CSV saved by Excel in a Vietnamese locale (semicolons, a
// byte order mark). Run it with go generate in client-cli/app; the files
// are committed.
//
// Beside the bad list it writes households_bad.expect.json: the line and
// column of every bad cell it planted, for the tests to check against.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The villages the lists name; the tests create them first.
var villages = []string{"Nà Lầu", "Khuổi Mười", "Chiềng", "Đồng Tâm"}

var (
	surnames = []string{"Hoàng", "Lò", "Triệu", "Sùng", "Nông", "Đinh", "Bàn", "Giàng", "Lục", "Vàng"}
	middles  = []string{"Văn", "Thị", "A", "Seo", "Đức", "Thị Kim", "Mí", "Văn Tòng"}
	givens   = []string{"Pó", "Sinh", "Mai", "Chứ", "Thắm", "Hùng", "Lan", "Dín", "Páo", "Hoa", "Tuấn", "Dung"}
	ethnics  = []string{"Tày", "H'Mông", "Mông", "Dao", "Mường", "Kinh", "Thái", "Nùng", "06", "dân tộc Dao", "HMONG", "Sán Chay"}
	statuses = []string{"Hộ nghèo", "Cận nghèo", "Hộ không nghèo", "Thoát nghèo", "hộ có mức sống trung bình", ""}
)

func main() {
	dir := "testdata"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	must(clean(filepath.Join(dir, "households_clean.xlsx")))
	must(bad(dir))
	must(semicolonCSV(filepath.Join(dir, "households_semicolon.csv")))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// name is the i-th head's name: distinct for every i below 960.
func name(i int) string {
	return surnames[i%len(surnames)] + " " + middles[(i/len(surnames))%len(middles)] + " " + givens[(i/len(surnames)/len(middles)+i)%len(givens)]
}

// clean writes a commune's list of 50 households as the commune keeps it:
// a title, then the table from row 4; dates of birth as date cells.
func clean(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Danh sách hộ"
	must(f.SetSheetName("Sheet1", sh))
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	must(f.SetCellValue(sh, "A1", "DANH SÁCH HỘ GIA ĐÌNH XÃ LẠC LƯƠNG NĂM 2025"))
	must(f.SetCellValue(sh, "A2", "(Kèm theo báo cáo rà soát hộ nghèo, hộ cận nghèo)"))
	header := []any{"STT", "Họ và tên chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Thôn/bản", "Số hộ", "Số điện thoại", "Phân loại hộ", "Địa chỉ"}
	must(f.SetSheetRow(sh, "A4", &header))
	for i := 0; i < 50; i++ {
		row := 5 + i
		born := time.Date(1950+i%50, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		sex := "Nam"
		if i%3 == 1 {
			sex = "Nữ"
		}
		village := villages[i%len(villages)]
		if i%2 == 0 {
			village = "Thôn " + village
		}
		var phone any = fmt.Sprintf("09%08d", 12345678+i)
		if i%5 == 0 {
			phone = int64(912000000 + i) // typed into a number cell: Excel dropped the 0
		}
		values := []any{i + 1, name(i), born, sex, ethnics[i%len(ethnics)], village, fmt.Sprintf("LL-%03d", i+1), phone, statuses[i%len(statuses)], "Xóm " + village}
		cell := fmt.Sprintf("A%d", row)
		must(f.SetSheetRow(sh, cell, &values))
		must(f.SetCellStyle(sh, fmt.Sprintf("C%d", row), fmt.Sprintf("C%d", row), dateStyle))
	}
	return f.SaveAs(path)
}

// planted is a bad cell the bad list holds: its line, its column's
// header, and a word for the kind of fault.
type planted struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Kind   string `json:"kind"`
}

// bad writes a list with a bad row of every kind among clean ones, and
// the manifest of what it planted.
func bad(dir string) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	header := []any{"STT", "Họ tên chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Thôn", "Số hộ", "SĐT", "Hộ nghèo", "Ghi chú thêm"}
	must(f.SetSheetRow(sh, "A1", &header))
	type row struct {
		values []any
		faults []planted
	}
	ok := func(i int) []any {
		return []any{i, name(100 + i), 1960 + i, "Nam", "Tày", villages[i%len(villages)], fmt.Sprintf("B-%02d", i), "0987654321", "", ""}
	}
	with := func(i, col int, v any) []any {
		r := ok(i)
		r[col] = v
		return r
	}
	rows := []row{
		{values: ok(1)},
		{values: with(2, 2, "31/02/1980"), faults: []planted{{Column: "Năm sinh", Kind: "date"}}},
		{values: with(3, 4, "Kinh Tày Mới"), faults: []planted{{Column: "Dân tộc", Kind: "ethnic"}}},
		{values: with(4, 2, 1850), faults: []planted{{Column: "Năm sinh", Kind: "range"}}},
		{values: with(5, 1, ""), faults: []planted{{Column: "Họ tên chủ hộ", Kind: "required"}}},
		{values: with(6, 5, "Bản Không Có"), faults: []planted{{Column: "Thôn", Kind: "village"}}},
		{values: ok(7)},
		{values: with(8, 3, "Không rõ"), faults: []planted{{Column: "Giới tính", Kind: "enum"}}},
		{values: with(9, 7, "gọi ông trưởng bản"), faults: []planted{{Column: "SĐT", Kind: "phone"}}},
		{values: with(10, 6, "B-01"), faults: []planted{{Column: "Số hộ", Kind: "number_twice"}}},
		{values: with(11, 8, "có lẽ"), faults: []planted{{Column: "Hộ nghèo", Kind: "bool"}}},
		{values: ok(12)},
		{values: with(13, 2, "năm 1970"), faults: []planted{{Column: "Năm sinh", Kind: "number"}}},
		{values: with(14, 8, "x")},
	}
	var manifest []planted
	for i, r := range rows {
		line := i + 2
		must(f.SetSheetRow(sh, fmt.Sprintf("A%d", line), &r.values))
		for _, p := range r.faults {
			p.Line = line
			manifest = append(manifest, p)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "households_bad.xlsx")); err != nil {
		return err
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "households_bad.expect.json"), append(data, '\n'), 0o644)
}

// semicolonCSV writes a list as Excel saves "CSV UTF-8" on a Vietnamese
// Windows: a byte order mark, semicolons, dd/mm/yyyy dates, a quoted
// field holding a semicolon.
func semicolonCSV(path string) error {
	var b strings.Builder
	b.WriteString("\ufeff")
	b.WriteString("Chủ hộ;Ngày sinh;Giới tính;Dân tộc;Thôn/bản;Số hộ;Số điện thoại;Phân loại hộ;Địa chỉ\r\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "%s;%02d/%02d/%d;%s;%s;%s;CSV-%02d;09%08d;%s;\"Tổ %d; %s\"\r\n",
			name(200+i), 1+i%28, 1+i%12, 1955+i*3, []string{"Nam", "Nữ"}[i%2], ethnics[(i+3)%len(ethnics)],
			villages[(i+1)%len(villages)], i+1, 22000000+i, statuses[i%len(statuses)], i+1, villages[(i+1)%len(villages)])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
