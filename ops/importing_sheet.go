package ops

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"hodan/schema"
)

// Sheet is a spreadsheet as import reads it: rows of cells, each row with
// the line a person sees it on (the spreadsheet's row number, or the CSV
// file's line), header included.
type Sheet struct {
	rows []sheetRow
}

// sheetRow is one row of a sheet.
type sheetRow struct {
	line  int
	cells []cell
}

// cell is one cell: its text as the spreadsheet shows it, in Unicode NFC
// (Vietnamese typed with combining accents reads the same as precomposed),
// and, for a number the spreadsheet formats (a date cell, a number with
// thousands separators), the number itself.
type cell struct {
	text   string
	number string // the raw number behind a formatted cell, else ""
	date   bool   // a number formatted as a date
}

// blank reports whether every cell of the row is empty.
func (r sheetRow) blank() bool {
	for _, c := range r.cells {
		if c.text != "" {
			return false
		}
	}
	return true
}

// cellAt is the row's cell in column i, empty past its end.
func (r sheetRow) cellAt(i int) cell {
	if i >= 0 && i < len(r.cells) {
		return r.cells[i]
	}
	return cell{}
}

// ReadSheet reads the spreadsheet at path: a .xlsx workbook (its sheet
// sheetName, or its first sheet) or a .csv file.
func ReadSheet(path, sheetName string) (*Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	return ReadSheetFrom(f, path, sheetName)
}

// maxUnzipped bounds what a workbook may unzip to: a commune's list of
// thousands of households is a few megabytes; a file that unzips to more
// is a zip bomb, made or broken, and must not fill the laptop's disk.
const maxUnzipped = 100 << 20

// checkUnzipped refuses a workbook whose files unzip to more than
// maxUnzipped, by the sizes its zip declares (archive/zip refuses to
// read more than a file declares).
func checkUnzipped(data []byte, name string) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail("import.err.open", name, err)
	}
	var total uint64
	for _, f := range z.File {
		if total += f.UncompressedSize64; total > maxUnzipped {
			return fail("import.err.too_big", name, maxUnzipped>>20)
		}
	}
	return nil
}

// ReadSheetFrom reads a spreadsheet from r, a file named name (uploaded,
// say), whose extension says what it holds: a .xlsx workbook (its sheet
// sheetName, or its first sheet) or a .csv file.
func ReadSheetFrom(r io.Reader, name, sheetName string) (*Sheet, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return readXLSX(r, name, sheetName)
	case ".csv", ".txt":
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return readCSV(data)
	}
	return nil, fail("import.err.extension", name)
}

// readXLSX reads one sheet of a workbook, with the formatted text of each
// cell and the number behind it.
func readXLSX(r io.Reader, name, sheetName string) (*Sheet, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := checkUnzipped(data, name); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, fail("import.err.open", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheetName == "" {
		sheetName = sheets[f.GetActiveSheetIndex()]
	} else if _, err := f.GetSheetIndex(sheetName); err != nil || !slices.Contains(sheets, sheetName) {
		return nil, fail("import.err.sheet", sheetName, strings.Join(sheets, ", "))
	}
	shown, err := f.GetRows(sheetName)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheetName, err)
	}
	raw, err := f.GetRows(sheetName, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheetName, err)
	}
	s := &Sheet{}
	for i, texts := range shown {
		row := sheetRow{line: i + 1}
		for j, text := range texts {
			c := cell{text: cleanText(text)}
			if i < len(raw) && j < len(raw[i]) && isNumberCell(f, sheetName, i, j, raw[i][j]) {
				c.number = raw[i][j]
				c.date = raw[i][j] != text && looksLikeDate(text)
			}
			row.cells = append(row.cells, c)
		}
		s.rows = append(s.rows, row)
	}
	return s, nil
}

// isNumberCell reports whether the cell in row i, column j (from 0) holds
// a number, whose raw value is raw: a cell typed as a number, not text
// that looks like one.
func isNumberCell(f *excelize.File, sheetName string, i, j int, raw string) bool {
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		return false
	}
	name, err := excelize.CoordinatesToCellName(j+1, i+1)
	if err != nil {
		return false
	}
	kind, err := f.GetCellType(sheetName, name)
	return err == nil && (kind == excelize.CellTypeNumber || kind == excelize.CellTypeUnset)
}

// looksLikeDate reports whether a formatted number reads as a date:
// whatever the date format (dd/mm/yyyy, mm-dd-yy…), it separates its parts
// with slashes or dashes, which no number format does.
func looksLikeDate(text string) bool {
	return strings.ContainsAny(strings.TrimPrefix(text, "-"), "/-") && !strings.Contains(text, ",")
}

// readCSV reads a CSV file as communes save them: UTF-8 with or without a
// byte order mark, or Windows-1258 (what Excel's plain "CSV" writes on a
// Vietnamese Windows), separated by commas or semicolons (Excel in a
// Vietnamese locale writes semicolons).
func readCSV(data []byte) (*Sheet, error) {
	withBOM := bytes.HasPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if bad, mostly := mostlyUTF8(data); withBOM || mostly {
			return nil, fail("import.err.utf8", bytes.Count(data[:bad], []byte("\n"))+1)
		}
		decoded, err := charmap.Windows1258.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("decode csv: %w", err)
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvSeparator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	s := &Sheet{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		row := sheetRow{line: line}
		for _, text := range rec {
			row.cells = append(row.cells, cell{text: cleanText(text)})
		}
		s.rows = append(s.rows, row)
	}
	return s, nil
}

// mostlyUTF8 tells a UTF-8 file with a bad byte or two from a
// Windows-1258 one, neither of them valid UTF-8: it is UTF-8 when it holds
// more valid multi-byte characters (every Vietnamese letter with a mark)
// than bytes that are not UTF-8, which a Windows-1258 file, one byte a
// letter, almost never does. bad is where the first bad byte is.
func mostlyUTF8(data []byte) (bad int, mostly bool) {
	multi, invalid := 0, 0
	bad = -1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			invalid++
			if bad < 0 {
				bad = i
			}
		case n > 1:
			multi++
		}
		i += n
	}
	return max(bad, 0), multi > invalid
}

// csvSeparator is ';' when the first line has more semicolons than commas
// outside quotes, else ','.
func csvSeparator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	commas, semis, quoted := 0, 0, false
	for _, b := range first {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// cleanText is a cell's text trimmed and in NFC, without the apostrophe
// hodan export puts before a text a spreadsheet would run as a formula
// (see formulaSafe).
func cleanText(s string) string {
	s = norm.NFC.String(strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " ")))
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && strings.ContainsRune(formulaStarts, rune(rest[0])) {
		return rest
	}
	return s
}

// cellDate is a date cell's date, or the date a text cell holds as
// dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or YYYY-MM-DD.
func cellDate(c cell) (time.Time, bool) {
	if c.date && c.number != "" {
		f, _ := strconv.ParseFloat(c.number, 64)
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2/1/2006", "2-1-2006", "2.1.2006", time.DateOnly} {
		if t, err := time.Parse(layout, c.text); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// cellNumber reads a cell of a number column: the number behind a cell
// the spreadsheet holds as a number, else the cell's text as people type
// numbers (see schema.ParseDecimal).
func cellNumber(c *schema.Column, x cell) (any, error) {
	f, err := strconv.ParseFloat(x.number, 64)
	switch {
	case x.number == "" || err != nil:
		return c.Parse(x.text)
	case c.Type == schema.Real:
		return f, nil
	case f == math.Trunc(f) && math.Abs(f) < 1<<53:
		return int64(f), nil
	}
	return c.Parse(schema.FormatDecimal(f, false)) // refused: not a whole number
}
