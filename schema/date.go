package schema

import "time"

// Vietnam is the time zone people read dates and times in (UTC+7, no
// daylight saving time), whatever the zone of the machine that writes
// them: a district server is often set to UTC.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// FormatDay writes t's day as people read a date: dd/mm/yyyy, in
// Vietnam's time. The zero time is "".
func FormatDay(t time.Time) string { return format(t, "02/01/2006") }

// FormatDayTime writes t as dd/mm/yyyy HH:MM in Vietnam's time. The zero
// time is "".
func FormatDayTime(t time.Time) string { return format(t, "02/01/2006 15:04") }

// FormatMoment writes t to the second, dd/mm/yyyy HH:MM:SS in Vietnam's
// time, for an auditor who orders changes made within a minute. The zero
// time is "".
func FormatMoment(t time.Time) string { return format(t, "02/01/2006 15:04:05") }

func format(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format(layout)
}
