package reconcile_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"hodan/internal/i18n"
	"hodan/reconcile"
)

// assertFits fails unless every line of out is at most reconcile.Width
// characters and out holds every string of want.
func assertFits(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > reconcile.Width {
			t.Errorf("line of %d characters:\n%s", n, line)
		}
	}
	for _, s := range want {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestWritePairs(t *testing.T) {
	year := 1978
	long := "Nguyễn Thị Phương Thảo Hoàng Lường Quách"
	a := reconcile.Household{ID: "0195a2e1-7c1a-7000-8000-0000000000a1", Commune: lacLuong, HeadName: long, HeadBirthYear: &year,
		HouseholdNumber: "12", Village: "Nà Xoong"}
	b := reconcile.Household{ID: "0195a2e1-7c1a-7000-8000-0000000000a2", Commune: lacLuong, HeadName: "Bui Van Thao"}
	pairs := []reconcile.Pair{{Score: 0.85, A: a, B: b, Reasons: []string{"name 2 edits apart", "born 1 year apart", "same village",
		"same phone", "same household number", "same sex", "same ethnicity", "different something long enough to wrap"}}}
	var out bytes.Buffer
	if err := reconcile.WritePairs(&out, i18n.EN, pairs); err != nil {
		t.Fatal(err)
	}
	assertFits(t, out.String(), a.ID, b.ID, "0.85", "1978", "Nguyễn Thị Phương", "Bui Van Thao", "wrap", "hodan household merge",
		"no. 12", "village Nà Xoong", "born 1 year apart")
	out.Reset()
	if err := reconcile.WritePairs(&out, i18n.VI, pairs); err != nil {
		t.Fatal(err)
	}
	assertFits(t, out.String(), a.ID, b.ID, "0,85", "tên khác 2 chữ", "năm sinh cách 1 năm", "cùng thôn", "hộ số 12", "thôn Nà Xoong",
		"hodan household merge", "wrap")
	out.Reset()
	if err := reconcile.WritePairs(&out, i18n.EN, nil); err != nil || out.String() != "No duplicate households.\n" {
		t.Errorf("no pairs: %q, %v", out.String(), err)
	}
}

func TestWriteOverlaps(t *testing.T) {
	amount := int64(123_456_789_000)
	h := reconcile.Household{ID: "0195a2e1-7c1a-7000-8000-0000000000a1", Commune: lacLuong, HeadName: "Nguyễn Thị Phương Thảo Hoàng Lường Quách"}
	o := reconcile.Overlap{Type: reconcile.CrossProgram, Kind: "distributed_water", Period: reconcile.Ever, Household: h,
		Programs: []string{"ntp_1719", "sustainable_poverty"},
		Records: []reconcile.SupportRecord{
			{ID: "0195a2e1-7c1a-7000-8000-0000000000b1", Program: "sustainable_poverty", ProjectCode: "DA1.ND4", Date: "2024-05-01", AmountVND: &amount, Status: "accepted"},
			{ID: "0195a2e1-7c1a-7000-8000-0000000000b2", Program: "ntp_1719", Date: "2025-01-01", Status: "delivered"},
		}}
	var out bytes.Buffer
	if err := reconcile.WriteOverlaps(&out, i18n.EN, []reconcile.Overlap{o}); err != nil {
		t.Fatal(err)
	}
	assertFits(t, out.String(), h.ID, o.Records[0].ID, o.Records[1].ID, "123,456,789,000", "NTP on sustainable…", "DA1.ND4",
		"Household water supply support twice, from 2 programs; allowed once ever", "Nguyễn Thị", "01/05/2024", "Xã Lạc Lương")
	out.Reset()
	if err := reconcile.WriteOverlaps(&out, i18n.VI, []reconcile.Overlap{o}); err != nil {
		t.Fatal(err)
	}
	assertFits(t, out.String(), h.ID, "123.456.789.000", "Hỗ trợ nước sinh hoạt phân tán 2 lần, từ 2 chương trình; chỉ được nhận một lần", "Đã nghiệm thu", "01/05/2024")
	out.Reset()
	if err := reconcile.WriteOverlaps(&out, i18n.EN, nil); err != nil || out.String() != "No overlapping support.\n" {
		t.Errorf("no overlaps: %q, %v", out.String(), err)
	}
}
