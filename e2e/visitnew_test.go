package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"hodan/schema/poverty"
)

// screen is hodan running under a pseudo-terminal, as an officer sees it:
// a test types lines into it and reads what it shows.
type screen struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int // how far expect has read
	done chan struct{}
}

// startScreen runs hodan with args on the device's database, in lang, on
// a pseudo-terminal.
func startScreen(t *testing.T, d *device, lang string, args ...string) *screen {
	t.Helper()
	cmd := exec.Command(bin.client, append([]string{"--db", d.db}, args...)...)
	cmd.Env = append(os.Environ(), "HODAN_DB=", "HODAN_LANG="+lang, "NO_COLOR=1")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, pty: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return // EIO once hodan has exited
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
	})
	return s
}

// expect waits until the screen shows want after what was already read.
// The wait is bounded only so that a hung prompt fails the test.
func (s *screen) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		text := s.buf.String()
		s.mu.Unlock()
		if i := strings.Index(text[s.seen:], want); i >= 0 {
			s.seen += i + len(want)
			return
		}
		select {
		case <-s.done:
			if !strings.Contains(s.text()[s.seen:], want) {
				s.t.Fatalf("hodan exited without showing %q; the screen:\n%s", want, s.text())
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.t.Fatalf("the screen never showed %q:\n%s", want, s.text())
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// typeLine types a line and Enter.
func (s *screen) typeLine(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.pty, line+"\r"); err != nil {
		s.t.Fatal(err)
	}
}

// answer waits for the prompt after want, then types line.
func (s *screen) answer(want, line string) {
	s.t.Helper()
	s.expect(want)
	s.expect("> ")
	s.typeLine(line)
}

// exit waits for hodan to exit and fails the test unless it succeeded.
func (s *screen) exit() {
	s.t.Helper()
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("hodan: %v\n%s", err, s.text())
	}
	<-s.done
}

// TestVisitNewPovertyReviewOnATerminal: an officer finds a household by
// typing part of the name without diacritics, makes the mistakes people
// make, and the review lands in the household's poverty columns and the
// visit, with the classification shown in Vietnamese.
func TestVisitNewPovertyReviewOnATerminal(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	v := a.add(t, "village", "--name", "Bản Lác")
	mai := a.add(t, "household", "--head-name", "Hà Thị Mai", "--village-id", v, "--household-number", "12")
	a.add(t, "household", "--head-name", "Lò Thị Mai", "--village-id", v)
	a.add(t, "household", "--head-name", "Hà Văn Mạnh", "--village-id", v)

	s := startScreen(t, a, "vi", "visit", "new")
	s.answer("Gõ một phần tên chủ hộ", "thi mai")
	s.expect("Tìm thấy 2 hộ")
	s.expect("Hà Thị Mai, Bản Lác, hộ số 12")
	s.answer("Lò Thị Mai", "5") // not on the list
	s.answer("không phải là số trong danh sách", "1")
	s.answer("Rà soát hộ nghèo", "2")
	s.answer("Hộ ở khu vực nào?", "3") // no third area
	s.answer("không có trong danh sách", "1")
	s.answer("Số nhân khẩu", "5")
	s.answer("Tổng thu nhập", "2000000000") // a zero too many
	s.answer("nằm ngoài khoảng cho phép", "6.000.000")
	deprivations := []string{"c", "k", "k", "c", "k", "k", "c", "k", "c", "k", "k", "k"}
	for i, yes := range deprivations {
		if i == 1 {
			s.answer("[5/17]", "có lẽ") // neither yes nor no
			s.answer("không phải có hay không", yes)
			continue
		}
		s.answer("Thiếu hụt", yes)
	}
	s.answer("Tình trạng nhà ở", "")
	s.answer("Ghi chú", "Hộ mới tách")
	s.expect("Xem lại")
	s.expect("Kết quả rà soát nếu lưu")
	s.answer("Lưu?", "c")
	s.expect("Đã lưu lượt thăm")
	s.expect("Phân loại: Hộ nghèo")
	s.expect("thu nhập 1.200.000 đ/người/tháng ≤ chuẩn nông thôn")
	s.expect("thiếu hụt 4/12 chỉ số (40 điểm ≥ 30): việc làm, bảo hiểm y tế, chất lượng nhà ở, nguồn nước sinh hoạt")
	s.exit()

	// The classification of the standard in force today, as the package
	// computes it.
	want, err := poverty.Standards().Classify(poverty.Review{Area: poverty.Rural, IncomeVND: 6_000_000, Members: 5,
		Deprived: map[string]bool{"employment": true, "healthInsurance": true, "housingQuality": true, "cleanWater": true}, Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	h := a.show(t, "household", mai)
	for col, v := range map[string]any{
		"poverty_status": "poor", "poverty_standard": want.Standard.ID, "poverty_year": float64(time.Now().Year()),
		"income_score": float64(want.ScoreA), "deprivation_score": float64(40),
		"dep_employment": true, "dep_dependents": false, "dep_health_insurance": true, "dep_clean_water": true, "dep_telecom": false,
	} {
		if h[col] != v {
			t.Errorf("household %s = %v, want %v", col, h[col], v)
		}
	}
	visits := a.list(t, "visit")
	if len(visits) != 1 {
		t.Fatalf("%d visits, want 1", len(visits))
	}
	vis := visits[0]
	if vis["household_id"] != mai || vis["purpose"] != "poverty_review" || vis["officer"] != "Lò Văn Minh" {
		t.Errorf("visit %v", vis)
	}
	full := a.show(t, "visit", vis["id"].(string))
	var ans struct {
		FormID      string         `json:"form_id"`
		FormVersion int            `json:"form_version"`
		Answers     map[string]any `json:"answers"`
		Poverty     map[string]any `json:"poverty"`
	}
	if err := json.Unmarshal([]byte(full["answers"].(string)), &ans); err != nil {
		t.Fatal(err)
	}
	if full["form_id"] != "poverty_review" || full["form_version"] != float64(1) || full["notes"] != "Hộ mới tách" ||
		ans.FormID != "poverty_review" || ans.FormVersion != 1 || ans.Answers["income_vnd"] != float64(6_000_000) ||
		ans.Answers["area"] != "rural" || ans.Answers["dep_nutrition"] != false || ans.Poverty["status"] != "poor" {
		t.Errorf("visit %v\nanswers %+v", full, ans)
	}
}

// TestVisitNewSupportDeliveryOnATerminal records a support delivery in
// English, with a bad amount on the way.
func TestVisitNewSupportDeliveryOnATerminal(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")

	s := startScreen(t, a, "en", "visit", "new", "--form", "support_delivery")
	s.answer("Type part of the head's name", "nguyen")
	s.answer("No head of household's name holds", "bui van thao")
	s.answer("Bùi Văn Thảo", "1")
	s.answer("Programme", "1")
	s.answer("Project of programme 1719", "DA1.ND2")
	s.answer("Kind of support", "5")
	s.answer("Amount (đồng)", "a lot")
	s.answer("is not an amount", "12,5tr")
	s.answer("Quantity", "1")
	s.answer("Unit", "tank")
	s.answer("Status", "2")
	s.answer("Delivery date", "12/05/2026")
	s.answer("Notes", "")
	s.expect("12,500,000 đ")
	s.answer("Save?", "y")
	s.expect("Recorded support")
	s.exit()

	support := a.list(t, "support")
	if len(support) != 1 {
		t.Fatalf("%d support records, want 1", len(support))
	}
	got := a.show(t, "support", support[0]["id"].(string))
	for col, v := range map[string]any{
		"household_id": h, "program": "ntp_1719", "project_code": "DA1.ND2", "kind": "distributed_water",
		"amount_vnd": float64(12_500_000), "quantity": float64(1), "unit": "tank", "status": "delivered", "delivered_date": "2026-05-12",
	} {
		if got[col] != v {
			t.Errorf("support %s = %v, want %v", col, got[col], v)
		}
	}
	visits := a.list(t, "visit")
	if len(visits) != 1 || got["visit_id"] != visits[0]["id"] || visits[0]["purpose"] != "support_delivery" {
		t.Errorf("support %v for visits %v", got, visits)
	}
}

// TestVisitNewCtrlDSavesNothing: Ctrl-D halfway through leaves the
// database as it was.
func TestVisitNewCtrlDSavesNothing(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	h := a.add(t, "household", "--head-name", "Hà Thị Mai")
	before := a.digest(t, lacLuong)

	s := startScreen(t, a, "vi", "visit", "new", "--household", h, "--form", "damage_assessment")
	s.answer("Sự kiện thiên tai", "Lũ quét")
	s.answer("Ngày xảy ra", "")
	s.expect("Mức độ thiệt hại nhà ở")
	s.expect("> ")
	if _, err := s.pty.Write([]byte{4}); err != nil { // Ctrl-D
		t.Fatal(err)
	}
	s.expect("Đã hủy: không lưu gì.")
	s.exit()
	if after := a.digest(t, lacLuong); after != before {
		t.Error("a cancelled visit changed the database")
	}
	if n := len(a.list(t, "damage")) + len(a.list(t, "visit")); n != 0 {
		t.Errorf("%d rows saved by a cancelled visit", n)
	}
}
