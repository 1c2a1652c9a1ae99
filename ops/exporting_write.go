package ops

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"hodan/schema"
)

// Grid is a table to write out: a header and rows of values, each nil,
// string, int64, float64 or time.Time (a date).
type Grid struct {
	Sheet  string // the sheet's name in a workbook
	Header []string
	Rows   [][]any
}

// ExportFormat is the kind of file path names, from its extension: "xlsx"
// or "csv".
func ExportFormat(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return "xlsx", nil
	case ".csv":
		return "csv", nil
	}
	return "", fail("export.err.extension", path)
}

// WriteGridFile writes g to path as .xlsx or .csv (ExportFormat). It
// writes a temporary file beside path and renames it over path once
// complete, so that path is never half written: a reader sees the old
// file or the whole new one. A file already at path is replaced only with
// force; without, it is left as it is, even one that appears while the
// export runs, and the error wraps fs.ErrExist.
func WriteGridFile(path string, g *Grid, force bool) error {
	format, err := ExportFormat(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriter(tmp)
	if format == "xlsx" {
		err = WriteXLSX(w, g)
	} else {
		err = WriteCSV(w, g)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if force {
		err = os.Rename(tmp.Name(), path)
	} else {
		err = os.Link(tmp.Name(), path) // fails if path exists
	}
	if errors.Is(err, fs.ErrExist) {
		return ExistsError(path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ExistsError refuses to replace the file at path; it wraps fs.ErrExist.
func ExistsError(path string) error { return existsError{fail("export.err.exists", path)} }

// existsError is a refusal to replace a file, said as its message.
type existsError struct{ error }

func (e existsError) Unwrap() []error { return []error{e.error, fs.ErrExist} }

// formulaStarts are the characters that make a spreadsheet run a cell's
// text as a formula (OWASP, CSV injection).
const formulaStarts = "=+-@\t\r"

// formulaSafe is a text cell a spreadsheet shows as text: one that begins
// with a formula character gets a leading apostrophe, which hodan import
// takes off again (see cleanText). Numbers are never text cells, so a
// negative number stays a number.
func formulaSafe(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteXLSX writes g as a workbook of one sheet: a bold, frozen header;
// dates as date cells shown dd/mm/yyyy; numbers as numbers; codes and
// numbers-as-text (household numbers, ethnic codes "08") as text.
func WriteXLSX(w io.Writer, g *Grid) error {
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(g.Sheet)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, max(1, len(g.Header)), 18); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(g.Header))
	for i, h := range g.Header {
		head[i] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range g.Rows {
		cells := make([]any, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case time.Time:
				cells[j] = excelize.Cell{StyleID: dateStyle, Value: x}
			case string:
				cells[j] = formulaSafe(x)
			default:
				cells[j] = v
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// sheetName is a valid sheet name: at most 31 characters, none of
// []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if strings.TrimSpace(s) == "" {
		return "Sheet1"
	}
	return s
}

// WriteCSV writes g as UTF-8 CSV with a byte order mark (without one,
// Excel reads Vietnamese as Windows-1258 and garbles it), dates as
// dd/mm/yyyy.
func WriteCSV(w io.Writer, g *Grid) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(g.Header); err != nil {
		return err
	}
	rec := make([]string, 0, len(g.Header))
	for _, r := range g.Rows {
		rec = rec[:0]
		for _, v := range r {
			rec = append(rec, csvText(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return schema.FormatDate(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return schema.FormatDecimal(x, false) // 1500,25: what import reads back
	case string:
		return formulaSafe(x)
	}
	return fmt.Sprint(v)
}
