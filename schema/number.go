package schema

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Numbers as people type them, on every way in (flags, guided answers,
// cells of a list that are text). Vietnamese write 1.500 for one thousand
// five hundred and 1,5 for one and a half, so:
//
//   - '.' groups thousands, in groups of exactly three digits (1.500,
//     1.500.000); a space does the same (1 500 000), but not mixed with '.';
//   - ',' is the decimal mark (1,5; 1.500,25);
//   - plain digits are fine (1500, 1500,25), with a '-' in front for a
//     negative number;
//   - anything that reads one way in Vietnamese and another in English is
//     refused: 1.5 (one and a half in English), 1,500 (one thousand five
//     hundred in English), 0.500; and so is what reads no way at all:
//     1.50.0, 1 500,5,3, 1e3, NaN, .5.
//
// The refusal says how to type the number. Numbers are written back for
// people the same way (FormatWhole, FormatDecimal), so what Hodan shows can
// be typed again.

// Errors of ParseWhole and ParseDecimal.
var (
	// ErrNotNumber is text that is no number at all: letters, signs
	// other than '-'.
	ErrNotNumber = errors.New("not a number")
	// ErrNumberFormat is a number written neither way above, or both.
	ErrNumberFormat = errors.New("not a number as Vietnamese write it: write 1.500 for one thousand five hundred, 1,5 for one and a half")
	// ErrNotWhole is a number with a decimal part where a whole one is due.
	ErrNotWhole = errors.New("not a whole number")
	// ErrNumberSize is a whole number beyond what a column can hold.
	ErrNumberSize = errors.New("too large a number")
)

// ParseWhole reads a whole number as people type it (see above).
func ParseWhole(s string) (int64, error) {
	n, err := readNumber(s)
	if err != nil {
		return 0, err
	}
	if n.frac != "" {
		return 0, ErrNotWhole
	}
	i, err := strconv.ParseInt(n.sign+n.whole, 10, 64)
	if err != nil {
		return 0, ErrNumberSize
	}
	return i, nil
}

// ParseDecimal reads a number, whole or with a decimal part, as people
// type it (see above).
func ParseDecimal(s string) (float64, error) {
	n, err := readNumber(s)
	if err != nil {
		return 0, err
	}
	text := n.sign + n.whole
	if n.frac != "" {
		text += "." + n.frac
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, ErrNumberSize
	}
	return f, nil
}

// number is a number read from text: its sign, and the digits before and
// after the decimal mark.
type number struct{ sign, whole, frac string }

// readNumber reads s by the rule above.
func readNumber(s string) (number, error) {
	s = strings.TrimSpace(s)
	var n number
	if s == "" || strings.TrimLeft(s, "0123456789.,- \u00a0\u202f") != "" {
		return n, ErrNotNumber
	}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		n.sign, s = "-", rest
	}
	whole, frac, hasFrac := strings.Cut(s, ",")
	if hasFrac && !allDigits(frac) {
		return n, ErrNumberFormat
	}
	digits, grouped, ok := ungroup(whole)
	if !ok {
		return n, ErrNumberFormat
	}
	// 1,500 and 12,345 are thousands to an English reader: refused, unless
	// a '.' group (1.500,250) says the comma is a decimal mark.
	if hasFrac && !grouped && len(frac) == 3 && len(digits) <= 3 && digits != "0" {
		return n, ErrNumberFormat
	}
	n.whole, n.frac = digits, frac
	return n, nil
}

// ungroup takes the group separators out of the whole part of a number:
// plain digits, or groups of three after a first group of one to three
// digits that does not begin with 0, all separated by '.' or all by
// spaces. grouped reports whether there were separators.
func ungroup(s string) (digits string, grouped, ok bool) {
	if allDigits(s) {
		return s, false, true
	}
	for _, sep := range []string{".", " ", "\u00a0", "\u202f"} {
		groups := strings.Split(s, sep)
		if len(groups) < 2 || !validGroups(groups) {
			continue
		}
		return strings.Join(groups, ""), true, true
	}
	return "", false, false
}

func validGroups(groups []string) bool {
	first := groups[0]
	if len(first) < 1 || len(first) > 3 || first[0] == '0' || !allDigits(first) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatWhole writes n as people read it: digits grouped by three with
// '.' when group is set (1.500.000), plain digits otherwise.
func FormatWhole(n int64, group bool) string {
	s := strconv.FormatInt(n, 10)
	if sign, digits, neg := strings.Cut(s, "-"); neg {
		return sign + "-" + maybeGroup(digits, group)
	}
	return maybeGroup(s, group)
}

// FormatDecimal writes f as people read it, with ',' as the decimal mark
// and, when group is set, the whole part grouped by three with '.'
// (1.500,25). What it writes, ParseDecimal reads back to f: 1.125 is
// written 1,1250, for 1,125 would read as 1125 to an English reader and is
// refused.
func FormatDecimal(f float64, group bool) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	sign, rest := "", s
	if strings.HasPrefix(s, "-") {
		sign, rest = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(rest, ".")
	if !hasFrac {
		return sign + maybeGroup(whole, group)
	}
	if len(frac) == 3 && len(whole) <= 3 && whole != "0" {
		frac += "0"
	}
	return sign + maybeGroup(whole, group) + "," + frac
}

// FormatFixed writes f rounded to decimals decimals as people read it,
// the whole part grouped by three with '.' and ',' as the decimal mark:
// 1234567.5 with one decimal is 1.234.567,5; a figure that rounds to zero
// has no sign.
func FormatFixed(f float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	out := groupDigits(whole)
	if frac != "" {
		out += "," + frac
	}
	if f < 0 && strings.Trim(s, "0.") != "" {
		out = "-" + out
	}
	return out
}

func maybeGroup(digits string, group bool) string {
	if group {
		return groupDigits(digits)
	}
	return digits
}

// groupDigits puts a '.' between groups of three digits, from the right.
func groupDigits(digits string) string {
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}
