package ops

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// spaces reads n spaces.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), s.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	s.n -= k
	return int(k), nil
}

// TestReadSheetRefusesAZipBomb: a workbook of a few hundred kilobytes
// whose sheet unzips to more than any commune's list (a zip bomb, made
// or broken) is refused with the reason, before it fills the disk.
func TestReadSheetRefusesAZipBomb(t *testing.T) {
	var small bytes.Buffer
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Họ và tên chủ hộ")
	if err := f.Write(&small); err != nil {
		t.Fatal(err)
	}
	in, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var bomb bytes.Buffer
	out := zip.NewWriter(&bomb)
	for _, zf := range in.File {
		w, err := out.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := zf.Open()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
			io.WriteString(w, head)
			io.Copy(w, &spaces{n: maxUnzipped + 1<<20})
			io.WriteString(w, `</sheetData></worksheet>`)
		} else {
			io.Copy(w, r)
		}
		r.Close()
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = ReadSheetFrom(&bomb, "danh-sach.xlsx", "")
	if Code(err) != "import_too_big" {
		t.Fatalf("a workbook that unzips to %d MB: %v, want import_too_big", maxUnzipped>>20+1, err)
	}
	if !strings.Contains(Explain("vi", err), "danh-sach.xlsx") {
		t.Errorf("the reason does not name the file: %s", Explain("vi", err))
	}
}
