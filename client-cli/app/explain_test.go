package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"hodan/schema"
	"hodan/syncengine"
)

// TestSchemaErrorsInVietnamese makes the schema refuse values for every
// reason it has, and checks the officer reads each in Vietnamese, naming
// the field by its label, and in English as the schema says it.
func TestSchemaErrorsInVietnamese(t *testing.T) {
	households := schema.Households
	members := schema.Members
	visits := schema.Visits
	col := func(tb *schema.Table, name string) *schema.Column {
		c, ok := tb.Column(name)
		if !ok {
			t.Fatalf("%s has no %s", tb.Name, name)
		}
		return c
	}
	parse := func(c *schema.Column, s string) error { _, err := c.Parse(s); return err }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{col(members, "birth_year").Check(int64(1850)), "Năm sinh (birth_year): phải từ 1900 đến 2100, không nhận 1850"},
		{col(households, "ethnicity_code").Check("99"), `"99" không phải mã dân tộc`},
		{col(households, "commune_code").Check("05365"), "nay không còn; xã đó đã nhập vào 05362"},
		{col(households, "commune_code").Check("99999"), "không phải mã xã"},
		{col(households, "phone").Check("123"), "không phải số điện thoại"},
		{col(members, "personal_id").Check("12"), "không phải số định danh cá nhân"},
		{col(visits, "purpose").Check("picnic"), `"picnic" không thuộc các giá trị`},
		{col(households, "head_name").Check(strings.Repeat("a", 201)), "dài 201 ký tự; tối đa 200"},
		{col(households, "head_name").Check(int64(1)), "không đúng kiểu"},
		{col(visits, "answers").Check("[1]"), "không phải một đối tượng JSON"},
		{col(households, "village_id").Check("x"), "không phải mã id"},
		{parse(col(members, "birth_year"), "abc"), `"abc" không phải số nguyên`},
		{parse(col(households, "latitude"), "abc"), `"abc" không phải một số`},
		{parse(col(members, "disability"), "maybe"), `"maybe" không phải có hoặc không`},
		{parse(col(visits, "visit_date"), "31/02/2026"), `"31/02/2026" không phải ngày hợp lệ`},
		{households.CheckInsert(map[string]any{"commune_code": "05362"}), "Họ tên chủ hộ (head_name) là bắt buộc"},
		{households.CheckUpdate(map[string]any{"head_name": nil}), "không được để trống"},
		{households.CheckUpdate(map[string]any{"commune_code": "02008"}), "không được thay đổi"},
		{households.CheckUpdate(map[string]any{"merged_into": nil}), "do các lệnh của Hodan ghi"},
		{households.CheckUpdate(map[string]any{"colour": "red"}), `không có cột "colour"`},
	} {
		if tc.err == nil {
			t.Errorf("no error where one saying %q was expected", tc.want)
			continue
		}
		vi, en := explainIn(langVI, tc.err), explainIn(langEN, tc.err)
		if !strings.Contains(vi, tc.want) || strings.Contains(vi, "%!") || untranslatedKey.MatchString(vi) {
			t.Errorf("in Vietnamese %q, want it to say %q", vi, tc.want)
		}
		if en != tc.err.Error() {
			t.Errorf("in English %q, want the schema's own %q", en, tc.err.Error())
		}
	}
}

// TestErrorsAreSaidInTheOfficersLanguage covers Hodan's own errors, those
// of syncengine and the server's refusals.
func TestErrorsAreSaidInTheOfficersLanguage(t *testing.T) {
	for _, tc := range []struct {
		err    error
		vi, en string
	}{
		{errNotEnrolled, "máy này chưa được đăng ký", "not enrolled yet"},
		{errMsg("error.no_such_row", noun("household"), "x", "household"), "không có hộ gia đình x", "no household x here"},
		{usageError{errMsg("error.not_assignment", "notes")}, `"notes" không có dạng cột=giá_trị (xem --help)`, "is not column=value (see --help)"},
		{errMsg("error.resolve", "c1", fmt.Errorf("push: %w", syncengine.ErrClockAhead)), "đồng hồ của máy này chạy nhanh", "clock is ahead"},
		{fmt.Errorf("push: %w", &syncengine.Error{Code: syncengine.CodeRevoked, Message: "this device was revoked"}), "huyện đã thu hồi quyền của máy này", "this device was revoked"},
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
	cat, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range schema.Tables() {
		if _, ok := cat["noun."+tb.Noun]; !ok {
			t.Errorf("no message noun.%s", tb.Noun)
		}
		if got := cat["table."+tb.Name][langVI]; got != tb.Label {
			t.Errorf("table.%s is %q in Vietnamese; the schema says %q", tb.Name, got, tb.Label)
		}
		for _, c := range tb.Columns {
			key := "column." + tb.Name + "." + c.Name
			if got := cat[key][langVI]; got != c.Label {
				t.Errorf("%s is %q in Vietnamese; the schema says %q", key, got, c.Label)
			}
		}
	}
}
