package indicators

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
)

// Period is the span a report covers: whole days from From to To, both
// included, in Vietnam time. Label names it for people, in Vietnamese
// (Name says it in another language).
type Period struct {
	From, To time.Time // midnight of the first and of the last day
	Label    string
	kind     periodKind
}

// periodKind is what a Period was made as: a named period, or days.
type periodKind string

const (
	days    periodKind = ""
	year    periodKind = "year"
	half    periodKind = "half"
	quarter periodKind = "quarter"
	month   periodKind = "month"
)

// Day returns the calendar day y-m-d as the midnight that starts it in
// Vietnam.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, schema.Vietnam) }

// EndOfDay is the last millisecond of day in Vietnam, in Unix
// milliseconds: what "as of day" means.
func EndOfDay(day time.Time) int64 {
	y, m, d := day.In(schema.Vietnam).Date()
	return Day(y, m, d+1).UnixMilli() - 1
}

// isoDate is a day as the domain tables store dates: 2025-12-31.
func isoDate(t time.Time) string { return t.In(schema.Vietnam).Format(time.DateOnly) }

var dateLayouts = []string{"2/1/2006", "2006-01-02"}

// ParseDate reads a day typed as 31/12/2025 (day first, as Vietnamese
// write dates) or 2025-12-31.
func ParseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, schema.Vietnam); err == nil {
			return t, nil
		}
	}
	return time.Time{}, i18n.Errorf("report.error.date", s)
}

// Between is the period from one day to another, both included.
func Between(from, to time.Time) (Period, error) {
	if to.Before(from) {
		return Period{}, i18n.Errorf("report.error.ends_before", schema.FormatDay(to), schema.FormatDay(from))
	}
	return named(Period{From: from, To: to}), nil
}

// Year is the calendar year y.
func Year(y int) Period { return named(Period{From: Day(y, 1, 1), To: Day(y, 12, 31), kind: year}) }

// named gives p its Vietnamese label.
func named(p Period) Period {
	p.Label = p.Name(i18n.VI)
	return p
}

// Name says the period in l: "Quý IV năm 2025", "Q4 2025".
func (p Period) Name(l i18n.Lang) string {
	y := p.To.Year()
	switch p.kind {
	case year:
		return i18n.T(l, "report.period.year", y)
	case half:
		return i18n.T(l, "report.period.half"+strconv.Itoa(int(p.From.Month()+5)/6), y)
	case quarter:
		q := int(p.From.Month()+2) / 3
		return i18n.T(l, "report.period.quarter", quarterNames[q-1], q, y)
	case month:
		return i18n.T(l, "report.period.month", int(p.From.Month()), y, i18n.T(l, "report.month."+strconv.Itoa(int(p.From.Month()))))
	}
	return i18n.T(l, "report.period.days", schema.FormatDay(p.From), schema.FormatDay(p.To))
}

// Lines says the period in two short lines, for the axis of a chart: a
// quarter as "Quý IV" and "2025"; other periods in one line, Name.
func (p Period) Lines(l i18n.Lang) (string, string) {
	if p.kind != quarter {
		return p.Name(l), ""
	}
	q := int(p.From.Month()+2) / 3
	return i18n.T(l, "report.period.quarter_short", quarterNames[q-1], q), strconv.Itoa(p.To.Year())
}

// Code is the period as ParsePeriod reads it (2025, 2025-H1, 2025-Q4,
// 2025-03), or "" for a period of days.
func (p Period) Code() string {
	y := p.To.Year()
	switch p.kind {
	case year:
		return strconv.Itoa(y)
	case half:
		return fmt.Sprintf("%d-H%d", y, (p.From.Month()+5)/6)
	case quarter:
		return fmt.Sprintf("%d-Q%d", y, (p.From.Month()+2)/3)
	case month:
		return fmt.Sprintf("%d-%02d", y, p.From.Month())
	}
	return ""
}

var periodPattern = regexp.MustCompile(`^([0-9]{4})(?:-(Q[1-4]|H[12]|[0-9]{2}))?$`)

var quarterNames = []string{"I", "II", "III", "IV"}

// ParsePeriod reads a reporting period: a year (2025), a half (2025-H1,
// the first six months), a quarter (2025-Q4) or a month (2025-03).
func ParsePeriod(s string) (Period, error) {
	m := periodPattern.FindStringSubmatch(s)
	if m == nil {
		return Period{}, i18n.Errorf("report.error.period", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return Period{}, i18n.Errorf("report.error.period_year", s)
	}
	months := func(first, n int, kind periodKind) Period {
		return named(Period{From: Day(y, time.Month(first), 1), To: Day(y, time.Month(first+n), 0), kind: kind})
	}
	switch part := m[2]; {
	case part == "":
		return Year(y), nil
	case part[0] == 'Q':
		return months(3*int(part[1]-'0')-2, 3, quarter), nil
	case part[0] == 'H':
		return months(6*int(part[1]-'0')-5, 6, half), nil
	default:
		mo, _ := strconv.Atoi(part)
		if mo < 1 || mo > 12 {
			return Period{}, i18n.Errorf("report.error.period_month", s, mo)
		}
		return months(mo, 1, month), nil
	}
}

// Quarters are the n quarters up to the one day is in, oldest first.
func Quarters(day time.Time, n int) []Period {
	day = day.In(schema.Vietnam)
	y, q := day.Year(), (int(day.Month())+2)/3
	out := make([]Period, n)
	for i := n - 1; i >= 0; i-- {
		out[i], _ = ParsePeriod(fmt.Sprintf("%d-Q%d", y, q))
		if q--; q == 0 {
			y, q = y-1, 4
		}
	}
	return out
}

// yearStart is the first day of the year the period ends in: where the
// figures compared with the year's targets start.
func (p Period) yearStart() time.Time { return Day(p.To.Year(), 1, 1) }

// dayBefore is the day before day.
func dayBefore(day time.Time) time.Time {
	y, m, d := day.Date()
	return Day(y, m, d-1)
}

// Request is a report's period and as-of day as a person types them: a
// named period (see ParsePeriod), or the days From and To (see
// ParseDate), and the day AsOf ("" for now).
type Request struct {
	Period, From, To, AsOf string
}

// Resolve reads the request at now. Without a period or days it is the
// year of the as-of day (of today without one); a period given by From
// alone ends on the as-of day (today), by To alone starts on 1 January of
// its year. It returns the period and the as-of day, zero for now; a
// mistake is a *FieldError of "period", "from", "to" or "as_of".
func (q Request) Resolve(now time.Time) (Period, time.Time, error) {
	wrong := func(field string, err error) (Period, time.Time, error) {
		return Period{}, time.Time{}, &FieldError{Field: field, Err: err}
	}
	var asOf time.Time
	if q.AsOf != "" {
		var err error
		if asOf, err = ParseDate(q.AsOf); err != nil {
			return wrong("as_of", err)
		}
		if EndOfDay(asOf) > EndOfDay(now) {
			return wrong("as_of", i18n.Errorf("report.error.as_of_future", schema.FormatDay(asOf)))
		}
	}
	day := now.In(schema.Vietnam)
	if !asOf.IsZero() {
		day = asOf
	}
	switch {
	case q.Period != "" && (q.From != "" || q.To != ""):
		return wrong("", i18n.Errorf("report.error.period_and_days"))
	case q.Period != "":
		p, err := ParsePeriod(q.Period)
		if err != nil {
			return wrong("period", err)
		}
		return p, asOf, nil
	case q.From == "" && q.To == "":
		return Year(day.Year()), asOf, nil
	}
	from, to := Day(day.Year(), 1, 1), Day(day.Year(), day.Month(), day.Day())
	var err error
	if q.To != "" {
		if to, err = ParseDate(q.To); err != nil {
			return wrong("to", err)
		}
		from = Day(to.Year(), 1, 1)
	}
	if q.From != "" {
		if from, err = ParseDate(q.From); err != nil {
			return wrong("from", err)
		}
	}
	p, err := Between(from, to)
	if err != nil {
		return wrong("to", err)
	}
	return p, asOf, nil
}
