package schema

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckRefusesHostileText: a field holds valid UTF-8 in NFC, trimmed,
// without control characters (tab and newline only in notes) or
// bidirectional formatting characters; Check refuses the rest, saying
// what and where.
func TestCheckRefusesHostileText(t *testing.T) {
	name := mustColumn(t, "households", "head_name")
	notes := mustColumn(t, "households", "notes")
	for _, tc := range []struct {
		c      *Column
		in     string
		reason string
	}{
		{name, "\x1b]0;pwned\x07Lò Văn Pó", ReasonControl},
		{name, "Lò\x1b[2J", ReasonControl},
		{name, "A\x00B", ReasonControl},
		{name, "A\x7fB", ReasonControl},
		{name, "A\u0085B", ReasonControl},
		{name, "A\u009bB", ReasonControl},
		{name, "Lò \u202eVăn", ReasonBidi},
		{name, "Lò \u2066Văn\u2069", ReasonBidi},
		{name, "A\u200fB", ReasonBidi},
		{name, "Lò\nVăn", ReasonLineBreak},
		{name, "Lò\tVăn", ReasonLineBreak},
		{name, "Lò\u2028Văn", ReasonLineBreak},
		{name, " Lò Văn Pó", ReasonUntrimmed},
		{notes, "Nhà tạm\n", ReasonUntrimmed},
		{name, "Lo\u0300 Văn Pó", ReasonNotNFC},
		{name, "Lò \xff", ReasonUTF8},
		{notes, "hai\r\ndòng", ReasonControl},
		{notes, "ghi \x1b[31mđỏ", ReasonControl},
		{notes, "ghi \u202e", ReasonBidi},
	} {
		err := tc.c.Check(tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidValue || e.Reason != tc.reason || e.Column != tc.c.Name {
			t.Errorf("%s.Check(%q) = %v; want it refused, reason %s", tc.c.Name, tc.in, err, tc.reason)
		}
	}
	for _, tc := range []struct {
		c  *Column
		in string
	}{
		{name, "Lò Văn Pó"}, {name, "Hoàng Thị Mai (vợ)"}, {notes, "Nhà tạm\nmái dột\tcần sửa"}, {name, "Y Bơ Niê"},
	} {
		if err := tc.c.Check(tc.in); err != nil {
			t.Errorf("%s.Check(%q) = %v; want it accepted", tc.c.Name, tc.in, err)
		}
	}
	if err := name.Check("Lò\x1b[2J"); err == nil || !strings.Contains(err.Error(), "U+001B at character 3") {
		t.Errorf("Check of an escape sequence: %v; want a refusal naming U+001B and where it is", err)
	}
}

// TestParseCleansText: what typed text may be made to obey without
// changing what it says is made so: trimmed, NFC, Windows line ends.
func TestParseCleansText(t *testing.T) {
	name := mustColumn(t, "households", "head_name")
	notes := mustColumn(t, "visits", "notes")
	for _, tc := range []struct {
		c        *Column
		in, want string
	}{
		{name, "  Lo\u0300 Văn Pó \u00a0", "Lò Văn Pó"},
		{notes, "hai\r\ndòng\r\n", "hai\ndòng"},
	} {
		got, err := tc.c.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s.Parse(%q) = %#v, %v; want %q", tc.c.Name, tc.in, got, err, tc.want)
		}
	}
}
