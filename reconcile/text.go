package reconcile

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"hodan/internal/i18n"
	"hodan/schema"
)

// The text reports of findings (WritePairs, WriteOverlaps, WriteConflicts,
// WriteConflict, WriteOrphans, WriteOrphan) are for people, in the reader's
// language from the message catalogue: names, household numbers and
// villages, Vietnamese labels of the schema's choices (their values in
// English), amounts as their language writes numbers; an id where a
// command needs one to act on the finding. JSON keeps the values.

// Width is the terminal width the text reports fit in.
const Width = 80

// WritePairs writes pairs for a person in l: per pair its score and
// reasons, then each household's head, birth year, number and village, and
// its id (for `hodan household merge KEEP DROP`); every line within Width
// columns.
func WritePairs(w io.Writer, l i18n.Lang, pairs []Pair) error {
	if len(pairs) == 0 {
		_, err := fmt.Fprintln(w, i18n.T(l, "findings.pairs.none"))
		return err
	}
	var b strings.Builder
	for _, p := range pairs {
		reasons := make([]string, len(p.Reasons))
		for i, r := range p.Reasons {
			reasons[i] = ReasonText(l, r)
		}
		b.WriteString(wrap(i18n.Number(l, schema.FormatFixed(p.Score, 2)), strings.Join(reasons, ", "), Width))
		for _, h := range []Household{p.A, p.B} {
			b.WriteString("  " + fit(householdLine(l, h), Width-2) + "\n")
			b.WriteString("    " + i18n.T(l, "findings.id", h.ID) + "\n")
		}
	}
	b.WriteString(i18n.Count(l, len(pairs), "findings.pairs.count") + "\n" + i18n.T(l, "findings.pairs.merge") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// householdLine names a household for people: its head, the head's birth
// year, its number and its village, as far as they are recorded.
func householdLine(l i18n.Lang, h Household) string {
	s := orUnknown(l, h.HeadName)
	if h.HeadBirthYear != nil {
		s += " (" + strconv.Itoa(*h.HeadBirthYear) + ")"
	}
	if h.HouseholdNumber != "" {
		s += ", " + i18n.T(l, "findings.household_number", h.HouseholdNumber)
	}
	if h.Village != "" {
		s += ", " + i18n.T(l, "findings.village", h.Village)
	}
	return s
}

// reasonPattern reads the reasons that carry a count: "name 2 edits
// apart", "born 1 year apart".
var reasonPattern = regexp.MustCompile(`^(name|born) (\d+) (?:edit|year)s? apart$`)

// ReasonText says a reason of a pair's score (see score) in l: for the
// text reports here and a front end that shows pairs its own way.
func ReasonText(l i18n.Lang, reason string) string {
	key := "findings.reason." + strings.ReplaceAll(reason, " ", "_")
	if m := reasonPattern.FindStringSubmatch(reason); m != nil {
		n, _ := strconv.Atoi(m[2])
		return i18n.Count(l, n, "findings.reason."+m[1]+"_apart")
	}
	if !i18n.Default().Has(key) {
		return reason
	}
	return i18n.T(l, key)
}

// WriteOverlaps writes overlaps for a person in l: per overlap the
// household, what overlaps, and each record with its date, program,
// project, amount and status, then its id; every line within Width
// columns.
func WriteOverlaps(w io.Writer, l i18n.Lang, overlaps []Overlap) error {
	if len(overlaps) == 0 {
		_, err := fmt.Fprintln(w, i18n.T(l, "findings.overlaps.none"))
		return err
	}
	var b strings.Builder
	for _, o := range overlaps {
		b.WriteString(fit(householdLine(l, o.Household)+", "+schema.CommuneName(o.Household.Commune), Width) + "\n")
		b.WriteString("    " + i18n.T(l, "findings.id", o.Household.ID) + "\n")
		b.WriteString(wrap("", overlapSummary(l, o), Width))
		for _, r := range o.Records {
			fmt.Fprintf(&b, "    %-10s  %-19s  %-8s  %14s  %s\n", dash(dateText(r.Date)), fit(choice(l, "program", r.Program), 19),
				fit(dash(r.ProjectCode), 8), amountText(l, r.AmountVND), fit(choice(l, "status", r.Status), 16))
			b.WriteString("      " + i18n.T(l, "findings.record_id", r.ID) + "\n")
		}
	}
	b.WriteString(i18n.Count(l, len(overlaps), "findings.overlaps.count") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// overlapSummary says in words what o is: "new_house twice, from 2
// programs; allowed once ever".
func overlapSummary(l i18n.Lang, o Overlap) string {
	times := i18n.Count(l, len(o.Records), "findings.overlap.times")
	if len(o.Records) == 2 {
		times = i18n.T(l, "findings.overlap.twice")
	}
	from := i18n.T(l, "findings.overlap.one_program")
	if o.Type == CrossProgram {
		from = i18n.T(l, "findings.overlap.programs", len(o.Programs))
	}
	if o.Period == Year {
		return i18n.T(l, "findings.overlap.in_year", choice(l, "kind", o.Kind), times, o.Year, from)
	}
	return i18n.T(l, "findings.overlap.ever", choice(l, "kind", o.Kind), times, from)
}

// choice is a value of a support record's column as l says it: the
// schema's label in l.
func choice(l i18n.Lang, column, value string) string {
	return schema.ChoiceLabelIn(string(l), "support_records", column, value)
}

// dateText writes a date of the tables (2025-03-05) as people read it,
// dd/mm/yyyy; anything else as it is.
func dateText(iso string) string {
	if y, rest, ok := strings.Cut(iso, "-"); ok && len(iso) == 10 {
		if m, d, ok := strings.Cut(rest, "-"); ok {
			return d + "/" + m + "/" + y
		}
	}
	return iso
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

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// amountText writes an amount in đồng as l writes numbers: 60.000.000 in
// Vietnamese, 60,000,000 in English; "-" for none.
func amountText(l i18n.Lang, v *int64) string {
	if v == nil {
		return "-"
	}
	return i18n.Whole(l, *v)
}

// orUnknown is s, or the word for a name not known.
func orUnknown(l i18n.Lang, s string) string {
	if s == "" {
		return i18n.T(l, "findings.unknown")
	}
	return s
}
