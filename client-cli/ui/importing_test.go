package ui_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/schema"
)

// TestImportShowsEveryBadRow imports a commune's list with bad rows:
// nothing is written and every bad row is shown by its line and why;
// imported again with bad rows skipped, the good one is written; the
// table is then exported as a file.
func TestImportShowsEveryBadRow(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	list := filepath.Join(t.TempDir(), "danh-sach-ho.csv")
	rows := "Họ tên chủ hộ,Năm sinh chủ hộ,Số hộ\nLò Văn Sáu,1975,1\nVi Văn Tám,năm nay,2\nHà Văn Lả,2150,3\n"
	if err := os.WriteFile(list, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	b := mustBrowser(t)
	s.open(t, b)

	// The file picker speaks the page's language, not the browser's
	// ("Choose File", "No file chosen"), and names the file chosen.
	picker := func() string {
		return webtest.Eval[string](b, `(document.querySelector(".file-pick") || {}).innerText || ""`)
	}
	b.Do(navigate(s.url + "/import"))
	if got := picker(); !strings.Contains(got, "Chọn tệp") || !strings.Contains(got, "Chưa chọn tệp nào") {
		t.Errorf("the file picker says %q, want «Chọn tệp…» and «Chưa chọn tệp nào»", got)
	}
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list}))
	if got := picker(); !strings.Contains(got, "danh-sach-ho.csv") {
		t.Errorf("after choosing danh-sach-ho.csv the file picker says %q", got)
	}

	upload := func(skip bool) {
		t.Helper()
		b.Do(navigate(s.url + "/import"))
		b.Do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list}))
		if skip {
			webtest.Eval[bool](b, `document.querySelector("[name=skip_bad]").checked = true`)
		}
		clickAndWait(t, b, "#import")
	}
	upload(false)
	bad := texts(b, "#bad-rows tbody tr")
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "3") || !strings.HasPrefix(bad[1], "4") {
		t.Fatalf("the bad rows by line: %q", bad)
	}
	for _, row := range bad {
		if len(strings.Fields(row)) < 4 {
			t.Errorf("a bad row without its reason: %q", row)
		}
	}
	if got := b.Text("#summary"); !strings.Contains(got, "Chưa ghi gì") {
		t.Errorf("the summary of a refused import: %q", got)
	}
	shot(t, b, "ui-import-bad-rows")
	if n := count(t, s.db, schema.Households); n != 0 {
		t.Fatalf("%d households written by a refused import", n)
	}

	upload(true)
	if got := b.Text("#summary"); !strings.Contains(got, "ghi 1 hộ") {
		t.Errorf("the summary with bad rows skipped: %q", got)
	}
	if n := count(t, s.db, schema.Households); n != 1 {
		t.Fatalf("%d households after skipping bad rows, want 1", n)
	}

	b.Do(navigate(s.url + "/export"))
	shot(t, b, "ui-export")
	resp, err := s.client(t).Get(s.url + "/export/file?table=households&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".csv") || !strings.Contains(string(body), "Lò Văn Sáu") {
		t.Errorf("the export: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	resp, err = s.client(t).Get(s.url + "/export/file?table=visits-report&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("the visits report: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}
