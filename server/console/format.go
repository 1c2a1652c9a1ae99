package console

import (
	"strconv"
	"time"

	"hodan/internal/i18n"
	"hodan/server/accounts"
)

// Vietnam is the time zone people read dates in (UTC+7, no daylight
// saving), whatever the server's zone.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Day writes t as people read a date: dd/mm/yyyy, in Vietnam's time; the
// zero time is "".
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format("02/01/2006")
}

// DayTime writes t as dd/mm/yyyy HH:MM in Vietnam's time; the zero time is "".
func DayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format("02/01/2006 15:04")
}

// Number writes n with its thousands grouped as l groups them: 1.234 in
// Vietnamese, 1,234 in English.
func Number(l i18n.Lang, n int64) string {
	s, sign := strconv.FormatInt(n, 10), ""
	if n < 0 {
		s, sign = s[1:], "-"
	}
	sep := "."
	if l == i18n.EN {
		sep = ","
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return sign + s
}

// RoleName is a role as people call it, in l.
func RoleName(l i18n.Lang, r accounts.Role) string {
	return i18n.T(l, "console.role."+string(r))
}
