package i18n

import (
	"strings"

	"hodan/schema"
)

// Number writes in l a number written the Vietnamese way (schema's
// FormatWhole, FormatDecimal, FormatFixed: 1.234,5): as it is in
// Vietnamese; in English with the marks swapped, 1,234.5, as an English
// reader reads it.
func Number(l Lang, vietnamese string) string {
	if l != EN {
		return vietnamese
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return ','
		case ',':
			return '.'
		}
		return r
	}, vietnamese)
}

// Whole writes n with its thousands grouped as people of l read them:
// 1.234.567 in Vietnamese, 1,234,567 in English.
func Whole(l Lang, n int64) string { return Number(l, schema.FormatWhole(n, true)) }
