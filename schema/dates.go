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
// shows people, whatever the server's own zone.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// FormatDate writes the day of t in t's zone as people read it:
// 31/12/2025. A laptop shows its own zone's days (t.Local()), a server
// Vietnam's (t.In(Vietnam)).
func FormatDate(t time.Time) string { return t.Format(DateLayout) }

// FormatDateTime writes t in t's zone as people read a time: 31/12/2025
// 14:05.
func FormatDateTime(t time.Time) string { return t.Format(DateTimeLayout) }
