package console

import (
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/server/accounts"
)

// Vietnam is the time zone people read dates in (UTC+7, no daylight
// saving), whatever the server's zone: schema.Vietnam.
var Vietnam = schema.Vietnam

// Day writes t as people read a date: dd/mm/yyyy, in Vietnam's time; the
// zero time is "".
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return schema.FormatDate(t.In(Vietnam))
}

// DayTime writes t as dd/mm/yyyy HH:MM in Vietnam's time; the zero time is "".
func DayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return schema.FormatDateTime(t.In(Vietnam))
}

// Number writes n with its thousands grouped as l groups them: 1.234 in
// Vietnamese, 1,234 in English.
func Number(l i18n.Lang, n int64) string { return i18n.Number(l, n) }

// RoleName is a role as people call it, in l.
func RoleName(l i18n.Lang, r accounts.Role) string {
	return i18n.T(l, "console.role."+string(r))
}
