package reconcile

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// Listed is what a list of conflicts prints in JSON: the conflicts, then
// the orphaned records, which say "kind": "orphan".
func Listed(views []syncengine.ConflictView, orphans []Orphan) []any {
	out := make([]any, 0, len(views)+len(orphans))
	for _, v := range views {
		out = append(out, v)
	}
	for _, o := range orphans {
		out = append(out, o)
	}
	return out
}

// WriteOrphans writes orphans for a person in l, under a heading, each
// group (see Groups) under a line that says what was deleted, by whom and
// when, with its commune (the server lists many); nothing when there are
// none.
func WriteOrphans(w io.Writer, l i18n.Lang, orphans []Orphan) error {
	if len(orphans) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(i18n.T(l, "findings.orphans.heading", len(orphans)) + "\n")
	noun := func(table string) string { return nounOf(l, table) }
	for _, g := range Groups(orphans) {
		o := g[0]
		b.WriteString(fit(upperFirst(i18n.T(l, "findings.orphans.group."+o.Reason, noun(o.Deleted.Table), orUnknown(l, o.Deleted.Name),
			villageOf(l, o), schema.CommuneName(o.Commune), deletedOn(o), deleter(l, o))), Width) + "\n")
		for _, o := range g {
			fmt.Fprintf(&b, "  %s  %s\n", o.ID[:8], fit(RecordText(l, o, noun), Width-12))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RecordText names o's record for a list that groups it under what was
// deleted, in l: its noun (said by noun) and name, and its household where
// that is not the row deleted.
func RecordText(l i18n.Lang, o Orphan, noun func(string) string) string {
	s := noun(o.Table) + " " + o.Record
	if o.Table != "households" && o.HouseholdID != o.Deleted.ID {
		s += " (" + noun("households") + " " + householdText(l, o) + ")"
	}
	return s
}

// villageOf is ", village NAME" of the deleted household of a record
// under it, where its village is known; "" else.
func villageOf(l i18n.Lang, o Orphan) string {
	if o.Village == "" || o.Reason != ReasonParentDeleted || o.Deleted.Table != "households" {
		return ""
	}
	return ", " + i18n.T(l, "findings.village", o.Village)
}

// WriteOrphan writes one orphan for a person in l: the record, its
// household and village, why it is an orphan, who deleted what and when;
// hint, if not empty, says where it is settled.
func WriteOrphan(w io.Writer, l i18n.Lang, o Orphan, hint string) error {
	fmt.Fprintln(w, i18n.T(l, "findings.orphan.heading", o.ID, schema.CommuneName(o.Commune)))
	fmt.Fprintln(w, i18n.T(l, "findings.orphan.record", nounOf(l, o.Table), fit(o.Record, Width-50), o.Row))
	if o.Table != "households" {
		fmt.Fprintln(w, i18n.T(l, "findings.orphan.household", fit(dash(householdText(l, o)), Width-50), dash(o.HouseholdID)))
	}
	fmt.Fprintln(w, i18n.T(l, "findings.orphan.village", fit(dash(o.Village), Width-12)))
	fmt.Fprintln(w, i18n.T(l, "findings.orphan.why", fit(Why(l, o), Width-12)))
	if o.Deleted.At != nil {
		fmt.Fprintln(w, i18n.T(l, "findings.orphan.deleted", fit(deleter(l, o), 40), deletedOn(o)))
	}
	if hint == "" {
		return nil
	}
	_, err := io.WriteString(w, wrap(i18n.T(l, "findings.orphan.settle"), hint, Width))
	return err
}

// Why says in l, in a few words, why o is an orphan.
func Why(l i18n.Lang, o Orphan) string {
	return i18n.T(l, "findings.why."+o.Reason, nounOf(l, o.Deleted.Table), orUnknown(l, o.Deleted.Name))
}

func householdText(l i18n.Lang, o Orphan) string {
	if o.HouseholdNumber == "" {
		return o.HeadName
	}
	return o.HeadName + ", " + i18n.T(l, "findings.household_number", o.HouseholdNumber)
}

func deleter(l i18n.Lang, o Orphan) string {
	switch {
	case o.Deleted.Officer != "":
		return o.Deleted.Officer
	case o.Deleted.Site != "":
		return i18n.T(l, "findings.device", o.Deleted.Site[:8])
	}
	return i18n.T(l, "findings.unknown")
}

// deletedOn is the day of the delete as dd/mm/yyyy; "-" when not known.
func deletedOn(o Orphan) string {
	if o.Deleted.At == nil {
		return "-"
	}
	return schema.FormatDay(*o.Deleted.At)
}

// upperFirst is s with its first letter in upper case, for a line that
// begins with a noun.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
