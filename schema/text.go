package schema

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The text a field may hold. Every Text value obeys one rule, which
// Column.Check applies wherever a value comes in — a flag, a guided
// answer, a cell of an imported list, a change pushed to the server:
//
//   - valid UTF-8, in Unicode NFC (a letter with its tone mark is one
//     character, as Vietnamese keyboards type it);
//   - no control character: none of C0 (U+0000–U+001F), DEL (U+007F) or
//     C1 (U+0080–U+009F), which move a terminal's cursor, clear its screen
//     or retitle its window; a multi-line column (notes) may hold tabs and
//     newlines (U+000A, not U+000D), and a JSON column the whitespace JSON
//     allows;
//   - no line or paragraph separator (U+2028, U+2029) outside notes;
//   - no bidirectional formatting character (embeddings and overrides
//     U+202A–U+202E, isolates U+2066–U+2069, marks U+200E, U+200F, U+061C),
//     which make a name read in another order than it is stored;
//   - no space at either end;
//   - at most the column's length (MaxLen, else 1,000 characters).
//
// CleanText makes typed text obey what it can without changing what it
// says; what it cannot, Check refuses with the character and where it is.

// CleanText is typed text as a field holds it: in NFC, without spaces at
// either end, with Windows line ends (CR LF) as newlines.
func CleanText(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n")))
}

// checkCharacters applies the rule above, but for the length, to a
// value of c.
func (c *Column) checkCharacters(s string) error {
	allowed := ""
	switch {
	case c.Type == JSON:
		allowed = "\t\n\r"
	case c.MultiLine:
		allowed = "\t\n"
	}
	pos := 0
	for _, r := range s {
		pos++
		if reason := forbidden(r); reason != "" && !strings.ContainsRune(allowed, r) {
			code := fmt.Sprintf("U+%04X", r)
			return &Error{Code: CodeInvalidValue, Column: c.Name, Reason: reason, Args: []any{code, pos},
				Message: fmt.Sprintf("%s holds %s at character %d: %s", c.Name, code, pos, forbiddenWhy[reason])}
		}
	}
	if c.Type != Text {
		return nil
	}
	if strings.TrimSpace(s) != s {
		return c.invalid(ReasonUntrimmed, "%s begins or ends with a space or a line break", c.Name)
	}
	if !norm.NFC.IsNormalString(s) {
		return c.invalid(ReasonNotNFC, "%s is not in Unicode NFC (a letter and its tone mark apart)", c.Name)
	}
	return nil
}

// forbidden is why a field may not hold r, unless its column allows it:
// ReasonLineBreak, ReasonControl, ReasonBidi, or "" for a character any
// field may hold.
func forbidden(r rune) string {
	switch {
	case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
		return ReasonLineBreak
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return ReasonControl
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c:
		return ReasonBidi
	}
	return ""
}

// forbiddenWhy says, in English, why each kind of character is refused.
var forbiddenWhy = map[string]string{
	ReasonLineBreak: "a line break or tab; only notes take them, as newlines (Enter)",
	ReasonControl:   "a control character, which no field may hold",
	ReasonBidi:      "a character that reorders text on screen, which no field may hold",
}
