package i18n

import "time"

// Span says a duration as people read it, in l: whole days from two days
// on, whole hours from two hours on, else whole minutes.
func Span(l Lang, d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return Count(l, int(d/(24*time.Hour)), "span.days")
	case d >= 2*time.Hour:
		return Count(l, int(d/time.Hour), "span.hours")
	}
	return Count(l, int(d/time.Minute), "span.minutes")
}

// Ago says how long ago something was, d before now, in l: just now,
// then whole minutes, hours or days.
func Ago(l Lang, d time.Duration) string {
	switch {
	case d < time.Minute:
		return T(l, "ago.now")
	case d < time.Hour:
		return Count(l, int(d/time.Minute), "ago.minutes")
	case d < 24*time.Hour:
		return Count(l, int(d/time.Hour), "ago.hours")
	}
	return Count(l, int(d/(24*time.Hour)), "ago.days")
}
