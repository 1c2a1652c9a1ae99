package reconcile

import (
	"fmt"
	"io"
	"strings"
	"time"

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

// WriteOrphans writes orphans for a person, under a heading, each group
// (see Groups) under a line that says what was deleted, by whom and when,
// with its commune (the server lists many); nothing when there are none.
func WriteOrphans(w io.Writer, orphans []Orphan) error {
	if len(orphans) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Orphaned records, under a deleted household or village (%d):\n", len(orphans))
	for _, g := range Groups(orphans) {
		o := g[0]
		what := strings.ToUpper(nounOf(o.Deleted.Table)[:1]) + nounOf(o.Deleted.Table)[1:]
		if o.Reason == ReasonMergeTargetDeleted {
			what = "Merged into " + nounOf(o.Deleted.Table)
		}
		fmt.Fprintf(&b, "%s\n", fit(fmt.Sprintf("%s %s%s (%s), deleted on %s by %s:", what,
			orUnknown(o.Deleted.Name), villageOf(o), o.Commune, deletedOn(o), deleter(o)), Width))
		for _, o := range g {
			fmt.Fprintf(&b, "  %s  %s\n", o.ID[:8], fit(RecordText(o, nounOf), Width-12))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RecordText names o's record for a list that groups it under what was
// deleted: its noun (said by noun) and name, and its household where that
// is not the row deleted.
func RecordText(o Orphan, noun func(string) string) string {
	s := noun(o.Table) + " " + o.Record
	if o.Table != "households" && o.HouseholdID != o.Deleted.ID {
		s += " (" + noun("households") + " " + householdText(o) + ")"
	}
	return s
}

// villageOf is ", village NAME" of the deleted household of a record
// under it, where its village is known; "" else.
func villageOf(o Orphan) string {
	if o.Village == "" || o.Reason != ReasonParentDeleted || o.Deleted.Table != "households" {
		return ""
	}
	return ", village " + o.Village
}

// WriteOrphan writes one orphan for a person: the record, its household
// and village, why it is an orphan, who deleted what and when; hint, if
// not empty, says where it is settled.
func WriteOrphan(w io.Writer, o Orphan, hint string) error {
	fmt.Fprintf(w, "Orphaned record %s, commune %s\nRecord:     %s %s (%s)\n", o.ID, o.Commune, nounOf(o.Table), fit(o.Record, Width-50), o.Row)
	if o.Table != "households" {
		fmt.Fprintf(w, "Household:  %s (%s)\n", fit(dash(householdText(o)), Width-50), dash(o.HouseholdID))
	}
	fmt.Fprintf(w, "Village:    %s\nWhy:        %s\n", fit(dash(o.Village), Width-12), fit(Why(o), Width-12))
	if o.Deleted.At != nil {
		fmt.Fprintf(w, "Deleted by: %s, on %s\n", fit(deleter(o), 40), deletedOn(o))
	}
	if hint == "" {
		return nil
	}
	_, err := io.WriteString(w, wrap("Settle:   ", hint, Width))
	return err
}

// Why says in English, in a few words, why o is an orphan.
func Why(o Orphan) string {
	what := nounOf(o.Deleted.Table) + " " + orUnknown(o.Deleted.Name)
	switch o.Reason {
	case ReasonVillageDeleted:
		return "its village was deleted: " + what
	case ReasonMergeTargetDeleted:
		return "merged into a household since deleted: " + what
	}
	return "its " + nounOf(o.Deleted.Table) + " was deleted: " + what
}

func householdText(o Orphan) string {
	if o.HouseholdNumber == "" {
		return o.HeadName
	}
	return o.HeadName + ", no. " + o.HouseholdNumber
}

func deleter(o Orphan) string {
	switch {
	case o.Deleted.Officer != "":
		return o.Deleted.Officer
	case o.Deleted.Site != "":
		return "device " + o.Deleted.Site[:8]
	}
	return "unknown"
}

// deletedOn is the day of the delete as dd/mm/yyyy, on this machine's
// clock; "-" when not known.
func deletedOn(o Orphan) string {
	if o.Deleted.At == nil {
		return "-"
	}
	return schema.FormatDate(o.Deleted.At.In(time.Local))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
