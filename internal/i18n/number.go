package i18n

import (
	"strings"

	"hodan/schema"
)

// Number writes n with its thousands grouped as people of l read them:
// 1.234.567 in Vietnamese (schema.FormatWhole), 1,234,567 in English.
func Number(l Lang, n int64) string {
	s := schema.FormatWhole(n, true)
	if l == EN {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}
