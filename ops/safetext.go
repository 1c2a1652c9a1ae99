package ops

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeText is text as a screen may show it, on one line: a tab or a
// newline is a space, and what a terminal would act on rather than show —
// a control character (C0, DEL, C1: escapes that retitle the window, clear
// the screen, move the cursor, a carriage return that overwrites the
// line), a bidirectional formatting character (which reorders what
// follows), a byte that is not UTF-8 — is shown as "�". Every table and
// record a front end shows is written through it, for the text rule
// (schema.CleanText) holds for what is typed now, not for what older
// laptops wrote.
func SafeText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case r == utf8.RuneError || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			return '�'
		}
		return r
	}, strings.ToValidUTF8(s, "�"))
}
