package ui_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/schema"
)

// TestImportTooBigSaysSo: a file bigger than an import takes (a 25 MB
// "list") is refused with 413 and the reason, the size allowed, and
// writes nothing; it is not taken for a forged form.
func TestImportTooBigSaysSo(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	c := s.client(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range s.hiddenOf(t, c, "/import") {
		mw.WriteField(k, v[0])
	}
	fw, _ := mw.CreateFormFile("file", "danh-sach-ho.csv")
	io.WriteString(fw, "Họ tên chủ hộ,Năm sinh chủ hộ,Số hộ\n")
	io.Copy(fw, io.LimitReader(strings.NewReader(strings.Repeat("Lò Văn Sáu,1975,1\n", 1<<21)), 25<<20))
	mw.Close()
	status, page := s.send(t, c, "/import", mw.FormDataContentType(), &body)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), "20 MB") {
		t.Errorf("a 25 MB file: %d, want 413 and the size allowed (20 MB) said:\n%s", status, page)
	}
	if n := count(t, s.db, schema.Households); n != 0 {
		t.Errorf("%d households written", n)
	}
}

// TestImportPageRefusesTooBigFile: the import page refuses a file
// bigger than the app takes before sending it, saying why.
func TestImportPageRefusesTooBigFile(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	big := filepath.Join(t.TempDir(), "danh-sach-ho.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("Lò Văn Sáu,1975,1\n"), 25<<20/18), 0o600); err != nil {
		t.Fatal(err)
	}
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/import"))
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{big}))
	if msg := webtest.Eval[string](b, `document.querySelector("#file").validationMessage`); !strings.Contains(msg, "20 MB") {
		t.Errorf("a 25 MB file chosen: the field says %q, want the size allowed (20 MB)", msg)
	}
}
