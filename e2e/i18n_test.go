package e2e

import (
	"strings"
	"testing"
)

// TestVietnameseByDefault runs the real hodan with no language set, as an
// officer's laptop does: help, errors, tables, status and sync speak
// Vietnamese, and --lang en or an English locale switch to English.
func TestVietnameseByDefault(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	vi := func(args ...string) (string, string, error) {
		return runIn("", bin.client, append([]string{"--db", a.db}, args...)...)
	}
	mustSay := func(what, text string, says ...string) {
		t.Helper()
		for _, s := range says {
			if !strings.Contains(text, s) {
				t.Errorf("%s does not say %q:\n%s", what, s, text)
			}
		}
	}

	help, _, err := vi("household", "add", "--help")
	if err != nil {
		t.Fatal(err)
	}
	mustSay("household add --help", help, "Cách dùng:", "Tuỳ chọn:", "Họ tên chủ hộ", "[bắt buộc]")
	if strings.Contains(help, "Usage:") || strings.Contains(help, "[required]") {
		t.Errorf("the default help is in English:\n%s", help)
	}

	h := a.add(t, "household", "--head-name", "Lò Thị Mai", "--household-number", "12")
	a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	a.add(t, "member", "--household-id", h, "--full-name", "Lò Văn Páo", "--birth-year", "2001")

	_, errOut, err := vi("member", "add", "--household-id", h, "--full-name", "X", "--birth-year", "1850")
	if err == nil {
		t.Fatal("a birth year of 1850 was accepted")
	}
	mustSay("a refused birth year", errOut, "hodan: Năm sinh (birth_year): phải từ 1900 đến 2100")

	out, _, err := vi("status")
	if err != nil {
		t.Fatal(err)
	}
	mustSay("status before a sync", out, "Cán bộ:", "Lò Văn Minh", "Chờ gửi:", "Hộ gia đình: 2 mới", "Nhân khẩu: 1 mới", "chưa đồng bộ lần nào")

	out, _, err = vi("sync")
	if err != nil {
		t.Fatal(err)
	}
	mustSay("sync", out, "Đã gửi", "thay đổi")
	out, _, _ = vi("status")
	mustSay("status after a sync", out, "Không có gì chờ gửi", "Lần đồng bộ gần nhất: vừa xong (")

	out, _, err = vi("household", "list", "--search", "thi mai")
	if err != nil {
		t.Fatal(err)
	}
	mustSay("household list --search", out, "HỌ TÊN CHỦ HỘ", "Lò Thị Mai", h)
	if strings.Contains(out, "Bùi Văn Thảo") {
		t.Errorf("--search \"thi mai\" lists Bùi Văn Thảo:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("a line of %d columns: %q", n, line)
		}
	}

	out, _, err = runIn("", bin.client, "--db", a.db, "--lang", "en", "status")
	if err != nil {
		t.Fatal(err)
	}
	mustSay("status --lang en", out, "Officer:", "Last sync:")
	out, _, err = runCmd(bin.client, "--db", a.db, "status") // HODAN_LANG=en
	if err != nil {
		t.Fatal(err)
	}
	mustSay("status with HODAN_LANG=en", out, "Officer:", "Nothing waiting to be sent")
}

// TestSyncShowsProgressOnATerminal: on a terminal, hodan sync draws a
// progress bar while it sends; with stderr not a terminal it prints
// nothing there.
func TestSyncShowsProgressOnATerminal(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	for _, name := range []string{"Lò Thị Mai", "Bùi Văn Thảo", "Hà Văn Chung"} {
		a.add(t, "household", "--head-name", name)
	}
	s := startScreen(t, a, "vi", "sync", "--batch", "2")
	s.expect("Đang gửi")
	s.expect("Đã gửi")
	s.exit()

	a.add(t, "household", "--head-name", "Đinh Thị Mài")
	out, errOut, err := runIn("vi", bin.client, "--db", a.db, "sync", "--batch", "2")
	if err != nil || errOut != "" || !strings.Contains(out, "Đã gửi") {
		t.Errorf("sync with stderr not a terminal: %v, stderr %q, stdout %q; want no stderr", err, errOut, out)
	}
}
