package reconcile

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PairsHelp says, for the help of a command that lists duplicates, what a
// pair is and what its JSON holds.
const PairsHelp = `List pairs of households of one commune whose heads' names are alike once
tones and capitals are set aside, with room for a typo ("Bùi Văn Thảo",
"Bui Van Thao"), born at most 2 years apart, in the same village unless
one has none; each with a score from 0 to 1 and the reasons for it.
A household merged into another is never listed.

With --json: an array of {score, reasons, name_distance, a, b}, a and b
each {id, commune, village_id, household_number, head_name,
head_birth_year, head_sex, ethnicity_code, phone}.`

// OverlapsHelp says, for the help of a command that lists overlapping
// support, the rules and what the JSON holds.
const OverlapsHelp = `List households given one kind of support more often than the programs
allow: housing, land and distributed water once ever; livelihood support,
preferential loans and health insurance once a calendar year; gifts and
training are not checked. A finding is cross_program when two programs
gave it, repeat when one did. Only support delivered or accepted counts.
Records of a merged household count under the one it went into. With
--year, only records dated (delivered, else planned) in that year count.

With --json: an array of {type, kind, period, year, household, programs,
records, total_vnd}; household is {id, commune, head_name, …}, records
each {id, household_id, program, project_code, kind, status, date,
planned_date, delivered_date, amount_vnd}.`

// Width is the terminal width the text reports fit in.
const Width = 80

// WritePairs writes pairs for a person: per pair its score and reasons,
// then both households with full ids (for `hodan household merge`), name
// and the head's birth year; every line within Width columns.
func WritePairs(w io.Writer, pairs []Pair) error {
	if len(pairs) == 0 {
		_, err := fmt.Fprintln(w, "No duplicate households.")
		return err
	}
	var b strings.Builder
	for _, p := range pairs {
		b.WriteString(wrap(fmt.Sprintf("%.2f", p.Score), strings.Join(p.Reasons, ", "), Width))
		for _, h := range []Household{p.A, p.B} {
			fmt.Fprintf(&b, "  %s  %-30s  %s\n", h.ID, fit(h.HeadName, 30), yearText(h.HeadBirthYear))
		}
	}
	fmt.Fprintf(&b, "%s. Merge a family recorded twice: hodan household merge KEEP DROP\n", count(len(pairs), "pair"))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteOverlaps writes overlaps for a person: per overlap the household,
// what overlaps, and each record with its date, program, project, amount
// and status, then its id; every line within Width columns.
func WriteOverlaps(w io.Writer, overlaps []Overlap) error {
	if len(overlaps) == 0 {
		_, err := fmt.Fprintln(w, "No overlapping support.")
		return err
	}
	var b strings.Builder
	for _, o := range overlaps {
		head := fmt.Sprintf("household %s, commune %s: ", o.Household.ID, o.Household.Commune)
		b.WriteString(head + fit(o.Household.HeadName, Width-utf8.RuneCountInString(head)) + "\n")
		b.WriteString(wrap("", overlapSummary(o), Width))
		for _, r := range o.Records {
			fmt.Fprintf(&b, "    %-10s  %-19s  %-8s  %14s  %s\n", dash(r.Date), fit(r.Program, 19), fit(dash(r.ProjectCode), 8), amountText(r.AmountVND), r.Status)
			fmt.Fprintf(&b, "      record %s\n", r.ID)
		}
	}
	fmt.Fprintf(&b, "%s.\n", count(len(overlaps), "overlap"))
	_, err := io.WriteString(w, b.String())
	return err
}

// overlapSummary says in words what o is: "new_house twice, from 2
// programs; allowed once ever".
func overlapSummary(o Overlap) string {
	times := "twice"
	if n := len(o.Records); n > 2 {
		times = fmt.Sprintf("%d times", n)
	}
	when, allowed := "", "once ever"
	if o.Period == Year {
		when, allowed = fmt.Sprintf(" in %d", o.Year), "once a year"
	}
	from := "from one program"
	if o.Type == CrossProgram {
		from = fmt.Sprintf("from %d programs", len(o.Programs))
	}
	return fmt.Sprintf("%s %s%s, %s; allowed %s", o.Kind, times, when, from, allowed)
}

// wrap writes lead and text on lines of at most width columns, breaking
// text at spaces; lines after the first are indented under text.
func wrap(lead, text string, width int) string {
	var b strings.Builder
	indent := strings.Repeat(" ", utf8.RuneCountInString(lead)+2)
	line := lead + " "
	n := utf8.RuneCountInString(line)
	for i, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		if i > 0 && n+1+wl > width {
			b.WriteString(line + "\n")
			line, n = indent[:len(indent)-1], len(indent)-1
		}
		line += " " + word
		n += 1 + wl
	}
	b.WriteString(line + "\n")
	return b.String()
}

// fit cuts s to at most n characters, marking the cut with an ellipsis.
func fit(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func yearText(y *int) string {
	if y == nil {
		return "-"
	}
	return strconv.Itoa(*y)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// amountText writes an amount in đồng with thousands separated by commas.
func amountText(v *int64) string {
	if v == nil {
		return "-"
	}
	s, sign := strconv.FormatInt(*v, 10), ""
	if *v < 0 {
		s, sign = s[1:], "-"
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
