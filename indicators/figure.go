package indicators

import (
	"math"
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
)

// FormatFigure writes a figure of unit as people read it in l: a rate
// with one decimal and %, points with one decimal, a quantity with up to
// two, a count or an amount whole, thousands grouped (1.234; 12,5% in
// Vietnamese, 1,234; 12.5% in English); "–" for none.
func FormatFigure(l i18n.Lang, f *float64, unit Unit) string {
	if f == nil || math.IsNaN(*f) {
		return "–"
	}
	var s string
	switch unit {
	case Percent:
		s = schema.FormatFixed(*f, 1) + "%"
	case Points:
		s = schema.FormatFixed(*f, 1)
	case Quantity:
		s = strings.TrimSuffix(strings.TrimRight(schema.FormatFixed(*f, 2), "0"), ",")
	default:
		s = schema.FormatFixed(*f, 0)
	}
	return i18n.Number(l, s)
}
