package schema

import "time"

// DateLayout is how people read and type a date, day first: 31/12/2025.
// DateTimeLayout adds the time of day: 31/12/2025 14:05.
const (
	DateLayout     = "02/01/2006"
	DateTimeLayout = "02/01/2006 15:04"
)

// Vietnam is the time zone the domain's days are days of (UTC+7, no
// daylight saving time): a visit date, a report's period, a date a server
// shows people, whatever the zone of the machine that writes them (a
// district server is often set to UTC).
var Vietnam = time.FixedZone("ICT", 7*60*60)

// FormatDate writes the day of t in t's own zone as people read it:
// 31/12/2025. A laptop shows its own zone's days (t.Local()); what a
// server shows is FormatDay's.
func FormatDate(t time.Time) string { return t.Format(DateLayout) }

// FormatDateTime writes t in t's own zone as people read a time:
// 31/12/2025 14:05.
func FormatDateTime(t time.Time) string { return t.Format(DateTimeLayout) }

// FormatDay writes t's day in Vietnam's time: dd/mm/yyyy. The zero time
// is "".
func FormatDay(t time.Time) string { return inVietnam(t, DateLayout) }

// FormatDayTime writes t as dd/mm/yyyy HH:MM in Vietnam's time. The zero
// time is "".
func FormatDayTime(t time.Time) string { return inVietnam(t, DateTimeLayout) }

// FormatMoment writes t to the second, dd/mm/yyyy HH:MM:SS in Vietnam's
// time, for an auditor who orders changes made within a minute. The zero
// time is "".
func FormatMoment(t time.Time) string { return inVietnam(t, DateTimeLayout+":05") }

func inVietnam(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format(layout)
}
