package ops

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"hodan/internal/i18n"
	"hodan/schema"
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
		{col(visits, "purpose").Check("picnic"), `"picnic" không phải một trong: rà soát hộ nghèo, cận nghèo; giao`},
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
		vi, en := Explain(i18n.VI, tc.err), Explain(i18n.EN, tc.err)
		if !strings.Contains(vi, tc.want) || strings.Contains(vi, "%!") || strings.Contains(vi, "[schema.") {
			t.Errorf("in Vietnamese %q, want it to say %q", vi, tc.want)
		}
		if en != tc.err.Error() {
			t.Errorf("in English %q, want the schema's own %q", en, tc.err.Error())
		}
	}
}

// TestDatabaseErrorsExplained: a database still locked after the wait,
// and a full disk, are said in the officer's language with what to do.
func TestDatabaseErrorsExplained(t *testing.T) {
	for _, tc := range []struct {
		err    error
		vi, en string
	}{
		{fmt.Errorf("init meta: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), "một lệnh hodan khác", "another hodan command"},
		{fmt.Errorf("commit: %w", sqlite3.Error{Code: sqlite3.ErrFull}), "ổ đĩa đầy", "disk is full"},
	} {
		vi, en := Explain(i18n.VI, tc.err), Explain(i18n.EN, tc.err)
		if !strings.Contains(vi, tc.vi) || strings.Contains(vi, "database") {
			t.Errorf("%v in Vietnamese: %q, want it to say %q", tc.err, vi, tc.vi)
		}
		if !strings.Contains(en, tc.en) {
			t.Errorf("%v in English: %q, want it to say %q", tc.err, en, tc.en)
		}
	}
}
