package ops

import (
	"encoding/json"
	"testing"

	"hodan/internal/i18n"
	"hodan/syncengine"
)

// TestRefusalReason: a refusal that names its rule is said with the
// column's label, its numbers as numbers though they crossed JSON; one
// from a server that names none (an older server), or names a rule this
// laptop does not know, is said by its code as before.
func TestRefusalReason(t *testing.T) {
	var crossed syncengine.Rejection
	sent := syncengine.Rejection{Code: syncengine.CodeInvalidValue, Message: "households.head_name: head_name is 1200 characters long; at most 1000",
		Reason: "length", Column: "head_name", Args: []any{1200, 1000}}
	body, _ := json.Marshal(sent)
	if err := json.Unmarshal(body, &crossed); err != nil {
		t.Fatal(err)
	}
	older := syncengine.Rejection{Code: syncengine.CodeInvalidValue, Message: "households.head_name: head_name is 1200 characters long; at most 1000"}
	unknown := crossed
	unknown.Reason = "a_rule_of_tomorrow"
	tests := []struct {
		name   string
		r      syncengine.Rejection
		vi, en string
	}{
		{"named, across JSON", crossed, "Họ tên chủ hộ: dài 1200 ký tự; tối đa 1000", "Head of household: is 1200 characters long; at most 1000"},
		{"from an older server", older, "giá trị không hợp lệ", older.Message},
		{"a rule this laptop does not know", unknown, "giá trị không hợp lệ", older.Message},
		{"out of scope, no commune named", syncengine.Rejection{Code: syncengine.CodeOutOfScope, Message: "commune 1 is not among this device's communes"},
			"thay đổi thuộc xã không được giao cho máy này", "commune 1 is not among this device's communes"},
	}
	for _, tt := range tests {
		if got := RefusalReason(i18n.VI, tt.r); got != tt.vi {
			t.Errorf("%s, in Vietnamese: %q, want %q", tt.name, got, tt.vi)
		}
		if got := RefusalReason(i18n.EN, tt.r); got != tt.en {
			t.Errorf("%s, in English: %q, want %q", tt.name, got, tt.en)
		}
	}
}
