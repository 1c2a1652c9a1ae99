package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// TestErrorsAreSaidInTheOfficersLanguage covers Hodan's own errors, those
// of syncengine and the server's refusals.
func TestErrorsAreSaidInTheOfficersLanguage(t *testing.T) {
	for _, tc := range []struct {
		err    error
		vi, en string
	}{
		{ops.ErrNotEnrolled, "máy này chưa được đăng ký", "not enrolled yet"},
		{errMsg("error.no_such_row", noun("household"), "x", "household"), "không có hộ gia đình x", "no household x here"},
		{usageError{errMsg("error.not_assignment", "notes")}, `"notes" không có dạng cột=giá_trị (xem --help)`, "is not column=value (see --help)"},
		{errMsg("error.resolve", "c1", fmt.Errorf("push: %w", syncengine.ErrClockAhead)), "đồng hồ của máy này chạy nhanh", "clock is ahead"},
		{fmt.Errorf("push: %w", &syncengine.Error{Code: syncengine.CodeRevoked, Message: "this device was revoked"}), "người quản trị máy chủ đã thu hồi quyền của máy này", "this device was revoked"},
		{&syncengine.Error{Code: "brand_new", Message: "new"}, "mã lỗi brand_new", "new"},
	} {
		vi, en := explainIn(langVI, tc.err), explainIn(langEN, tc.err)
		if !strings.Contains(vi, tc.vi) || strings.Contains(vi, "%!") {
			t.Errorf("%v in Vietnamese: %q, want %q", tc.err, vi, tc.vi)
		}
		if !strings.Contains(en, tc.en) || strings.Contains(en, "%!") {
			t.Errorf("%v in English: %q, want %q", tc.err, en, tc.en)
		}
	}
	if !errors.Is(errMsg("error.resolve", "c1", syncengine.ErrClockAhead), syncengine.ErrClockAhead) {
		t.Error("a message error does not wrap its error argument")
	}
}

// TestEveryRecordHasItsWords fails when a table, noun or column of the
// schema has no words in the catalogue, or Vietnamese ones that differ
// from the schema's label.
func TestEveryRecordHasItsWords(t *testing.T) {
	cat := messages()
	for _, tb := range schema.Tables() {
		if !cat.Has("noun." + tb.Noun) {
			t.Errorf("no message noun.%s", tb.Noun)
		}
		if got := cat.Text(langVI, "table."+tb.Name); got != tb.Label {
			t.Errorf("table.%s is %q in Vietnamese; the schema says %q", tb.Name, got, tb.Label)
		}
		for _, c := range tb.Columns {
			key := "column." + tb.Name + "." + c.Name
			if got := cat.Text(langVI, key); got != c.Label {
				t.Errorf("%s is %q in Vietnamese; the schema says %q", key, got, c.Label)
			}
		}
	}
}
