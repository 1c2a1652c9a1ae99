package ui_test

import (
	"slices"
	"strings"
	"testing"

	"hodan/internal/web/webtest"
	"hodan/schema"
)

// TestRecordAHouseholdWithItsMembers records a village, a household and
// two members through the app's forms, finds the household by its head's
// name typed without diacritics, edits a field and sees the edit in the
// field's history: who, what it replaced.
func TestRecordAHouseholdWithItsMembers(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	b := mustBrowser(t)
	s.open(t, b)
	// A laptop without households says how to get some, not "all is well".
	start := webtest.Eval[string](b, `(document.querySelector("#empty-start") || {}).innerText || ""`)
	if !strings.Contains(start, "chưa có hộ nào") || !strings.Contains(start, "Đồng bộ") || !strings.Contains(start, "Nhập danh sách") {
		t.Errorf("the home page of an empty laptop says %q", start)
	}
	shot(t, b, "ui-home-empty")

	b.Do(navigate(s.url + "/records/villages/new"))
	fill(t, b, map[string]string{"name": "Bản Nà Khương"})
	clickAndWait(t, b, "#save")

	b.Do(navigate(s.url + "/records/households/new"))
	clickAndWait(t, b, "#save") // nothing typed: refused beside the field
	if got := b.Text(".field.invalid .error"); !strings.Contains(got, "bắt buộc") {
		t.Errorf("a household without its head: %q", got)
	}
	shot(t, b, "ui-household-form-refused")
	fill(t, b, map[string]string{"head_name": "Lò Văn Sáu", "head_birth_year": "1975", "head_sex": "male",
		"ethnicity_code": "03", "household_number": "12", "village_id": villageID(t, s)})
	clickAndWait(t, b, "#save")
	if !strings.HasPrefix(path(b), "/households/") {
		t.Fatalf("after saving the household: %s", path(b))
	}
	if got := b.Text(".flash"); !strings.Contains(got, "Lò Văn Sáu") {
		t.Errorf("flash after adding: %q", got)
	}
	household := path(b)

	for _, m := range []map[string]string{
		{"full_name": "Lò Thị Hoa", "birth_year": "1978", "sex": "female", "relation": "spouse"},
		{"full_name": "Lò Văn Páo", "birth_year": "2004", "sex": "male", "relation": "child"},
	} {
		clickAndWait(t, b, "#add-members")
		fill(t, b, m)
		clickAndWait(t, b, "#save")
	}
	members := texts(b, "#members tbody th")
	if len(members) != 2 || !strings.Contains(members[0]+members[1], "Lò Thị Hoa") || !strings.Contains(members[0]+members[1], "Lò Văn Páo") {
		t.Errorf("members on the household's page: %q", members)
	}
	if got := b.Text("main .lead"); !strings.Contains(got, "Bản Nà Khương") || !strings.Contains(got, "12") {
		t.Errorf("the household's number and village: %q", got)
	}
	shot(t, b, "ui-household")

	b.Do(navigate(s.url + "/households?q=lo+van+sau"))
	if rows := texts(b, "#households tbody th"); !slices.Equal(rows, []string{"Lò Văn Sáu"}) {
		t.Errorf("found without diacritics: %q", rows)
	}
	if got := strings.Join(texts(b, "#households tbody td"), "|"); !strings.Contains(got, "Bản Nà Khương") || !strings.Contains(got, "12") {
		t.Errorf("the list's columns: %q", got)
	}
	shot(t, b, "ui-households")

	b.Do(navigate(s.url + household))
	clickAndWait(t, b, "#edit")
	fill(t, b, map[string]string{"head_birth_year": "1976"})
	clickAndWait(t, b, "#save")
	clickAndWait(t, b, "#history")
	var line string
	for _, row := range texts(b, "#history-table tbody tr") {
		if strings.Contains(row, "Năm sinh") && strings.Contains(row, "1976") {
			line = row
		}
	}
	if !strings.Contains(line, "1975") || !strings.Contains(line, "Lò Văn Minh") {
		t.Errorf("the history of the birth year: %q", line)
	}
	shot(t, b, "ui-history")
	if n := count(t, s.db, schema.Members); n != 2 {
		t.Errorf("%d members in the database, want 2", n)
	}

	b.Do(navigate(s.url + household))
	clickAndWait(t, b, "#members tbody tr:first-child a[href$=delete]")
	shot(t, b, "ui-delete")
	clickAndWait(t, b, "#confirm-delete")
	if got := b.Text(".flash"); !strings.Contains(got, "Đã xoá nhân khẩu") {
		t.Errorf("the flash after deleting a member: %q", got)
	}
	if n := count(t, s.db, schema.Members); n != 1 {
		t.Errorf("%d members after deleting one, want 1", n)
	}
}
