package indicators

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"hodan/schema"
)

// vietnam is the time zone a report's days are days of (schema.Vietnam).
var vietnam = schema.Vietnam

// Period is the span a report covers: whole days from From to To, both
// included, in Vietnam time. Label names it for people, in Vietnamese.
type Period struct {
	From, To time.Time // midnight of the first and of the last day
	Label    string
}

// Day returns the calendar day y-m-d as the midnight that starts it in
// Vietnam.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vietnam) }

// EndOfDay is the last millisecond of day in Vietnam, in Unix
// milliseconds: what "as of day" means.
func EndOfDay(day time.Time) int64 {
	y, m, d := day.In(vietnam).Date()
	return Day(y, m, d+1).UnixMilli() - 1
}

// FormatDate writes a day as people read it: 31/12/2025.
func FormatDate(t time.Time) string { return schema.FormatDate(t.In(vietnam)) }

// isoDate is a day as the domain tables store dates: 2025-12-31.
func isoDate(t time.Time) string { return t.In(vietnam).Format(time.DateOnly) }

var dateLayouts = []string{"2/1/2006", "2006-01-02"}

// ParseDate reads a day typed as 31/12/2025 (day first, as Vietnamese
// write dates) or 2025-12-31.
func ParseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, vietnam); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: type it as 31/12/2025 (day/month/year) or 2025-12-31", s)
}

// Between is the period from one day to another, both included.
func Between(from, to time.Time) (Period, error) {
	if to.Before(from) {
		return Period{}, fmt.Errorf("the period ends (%s) before it starts (%s)", FormatDate(to), FormatDate(from))
	}
	return Period{From: from, To: to, Label: "Từ ngày " + FormatDate(from) + " đến ngày " + FormatDate(to)}, nil
}

// Year is the calendar year y.
func Year(y int) Period {
	return Period{From: Day(y, 1, 1), To: Day(y, 12, 31), Label: fmt.Sprintf("Năm %d", y)}
}

var periodPattern = regexp.MustCompile(`^([0-9]{4})(?:-(Q[1-4]|H[12]|[0-9]{2}))?$`)

var quarterNames = []string{"I", "II", "III", "IV"}

// ParsePeriod reads a reporting period: a year (2025), a half (2025-H1,
// the first six months), a quarter (2025-Q4) or a month (2025-03).
func ParsePeriod(s string) (Period, error) {
	m := periodPattern.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("%q is not a period: give a year (2025), a half year (2025-H1, 2025-H2), a quarter (2025-Q4) or a month (2025-03)", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return Period{}, fmt.Errorf("%q: the year must be between 2000 and 2100", s)
	}
	months := func(first, n int) (time.Time, time.Time) {
		return Day(y, time.Month(first), 1), Day(y, time.Month(first+n), 0)
	}
	var p Period
	switch part := m[2]; {
	case part == "":
		return Year(y), nil
	case part[0] == 'Q':
		q := int(part[1] - '0')
		p.From, p.To = months(3*q-2, 3)
		p.Label = fmt.Sprintf("Quý %s năm %d", quarterNames[q-1], y)
	case part[0] == 'H':
		h := int(part[1] - '0')
		p.From, p.To = months(6*h-5, 6)
		p.Label = fmt.Sprintf("6 tháng %s năm %d", map[int]string{1: "đầu", 2: "cuối"}[h], y)
	default:
		mo, _ := strconv.Atoi(part)
		if mo < 1 || mo > 12 {
			return Period{}, fmt.Errorf("%q: there is no month %d", s, mo)
		}
		p.From, p.To = months(mo, 1)
		p.Label = fmt.Sprintf("Tháng %d năm %d", mo, y)
	}
	return p, nil
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
// its year. It returns the period and the as-of day, zero for now.
func (q Request) Resolve(now time.Time) (Period, time.Time, error) {
	var asOf time.Time
	if q.AsOf != "" {
		var err error
		if asOf, err = ParseDate(q.AsOf); err != nil {
			return Period{}, time.Time{}, fmt.Errorf("--as-of: %w", err)
		}
		if EndOfDay(asOf) > EndOfDay(now) {
			return Period{}, time.Time{}, fmt.Errorf("--as-of %s is after today: a report can only count what the server has received", FormatDate(asOf))
		}
	}
	day := now.In(vietnam)
	if !asOf.IsZero() {
		day = asOf
	}
	switch {
	case q.Period != "" && (q.From != "" || q.To != ""):
		return Period{}, time.Time{}, fmt.Errorf("give either --period or --from and --to, not both")
	case q.Period != "":
		p, err := ParsePeriod(q.Period)
		if err != nil {
			return Period{}, time.Time{}, fmt.Errorf("--period: %w", err)
		}
		return p, asOf, nil
	case q.From == "" && q.To == "":
		return Year(day.Year()), asOf, nil
	}
	from, to := Day(day.Year(), 1, 1), Day(day.Year(), day.Month(), day.Day())
	var err error
	if q.To != "" {
		if to, err = ParseDate(q.To); err != nil {
			return Period{}, time.Time{}, fmt.Errorf("--to: %w", err)
		}
		from = Day(to.Year(), 1, 1)
	}
	if q.From != "" {
		if from, err = ParseDate(q.From); err != nil {
			return Period{}, time.Time{}, fmt.Errorf("--from: %w", err)
		}
	}
	p, err := Between(from, to)
	return p, asOf, err
}
