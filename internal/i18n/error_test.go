package i18n

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorIsSaidInTheReadersLanguage(t *testing.T) {
	inner := NewError("error.not_enrolled")
	err := NewError("error.read_enrollment", inner)
	vi, en := err.(*Error).In(VI), err.(*Error).In(EN)
	if !strings.Contains(vi, "chưa được đăng ký") || !strings.HasPrefix(vi, "không đọc được") {
		t.Errorf("in Vietnamese: %q; want the message and the error it holds, both in Vietnamese", vi)
	}
	if en != "read enrollment: this laptop is not enrolled yet: run `hodan init --server URL --enroll CODE` with the code from the server's administrator" {
		t.Errorf("in English: %q", en)
	}
	if err.Error() != vi {
		t.Errorf("Error() = %q, want the Vietnamese %q", err.Error(), vi)
	}
	if !errors.Is(err, inner) {
		t.Error("the error does not unwrap to the error among its arguments")
	}
	explained := err.(*Error).Format(EN, func(error) string { return "EXPLAINED" })
	if explained != "read enrollment: EXPLAINED" {
		t.Errorf("Format with an explain function: %q", explained)
	}
}

func TestErrorArgumentsThatSayThemselves(t *testing.T) {
	err := &Error{Key: "error.no_such_row", Args: []any{Key("noun.household"), "0195abcd", "household"}}
	if got := err.In(VI); !strings.HasPrefix(got, "không có hộ gia đình 0195abcd") {
		t.Errorf("a Key argument in Vietnamese: %q", got)
	}
	if got := (Counted{N: 1, Key: "count.record"}).In(EN); got != "1 record" {
		t.Errorf("Counted 1 in English: %q", got)
	}
	if got := (Counted{N: 3, Key: "count.record"}).In(VI); got != "3 bản ghi" {
		t.Errorf("Counted 3 in Vietnamese: %q", got)
	}
}

func TestErrorCode(t *testing.T) {
	for key, want := range map[string]string{
		"import.err.bad":    "import_bad",
		"error.merge_same":  "merge_same",
		"input.id_prefix":   "id_prefix",
		"orphans.error_how": "orphans_error_how",
	} {
		if got := (&Error{Key: key}).Code(); got != want {
			t.Errorf("code of %s = %q, want %q", key, got, want)
		}
	}
}

func TestWhole(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		vi, en string
	}{{0, "0", "0"}, {999, "999", "999"}, {1500, "1.500", "1,500"}, {-1234567, "-1.234.567", "-1,234,567"}} {
		if got := Whole(VI, tc.n); got != tc.vi {
			t.Errorf("Whole(vi, %d) = %q, want %q", tc.n, got, tc.vi)
		}
		if got := Whole(EN, tc.n); got != tc.en {
			t.Errorf("Whole(en, %d) = %q, want %q", tc.n, got, tc.en)
		}
	}
}
