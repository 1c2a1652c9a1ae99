package reconcile

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"hodan/schema"
	"hodan/syncengine"
)

// WriteConflicts writes conflicts as a table for a person, open ones as
// given first; withCommune adds the commune column (the server lists many,
// a laptop its own few, within Width columns).
func WriteConflicts(w io.Writer, views []syncengine.ConflictView, withCommune bool) error {
	if len(views) == 0 {
		_, err := fmt.Fprintln(w, "No conflicts.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := []string{"ID", "FIELD", "KEPT", "DISPLACED", "STATE"}
	if withCommune {
		head = append([]string{"ID", "COMMUNE"}, head[1:]...)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, v := range views {
		cells := []string{v.ID[:8], nounOf(v.Table) + "." + v.Column,
			fit(valueText(v.Current), 18), fit(valueText(v.Values[0].Value), 18), conflictState(v)}
		if withCommune {
			cells = append([]string{cells[0], v.Scope}, cells[1:]...)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// WriteConflict writes one conflict for a person: the field by its label,
// the value kept, and each write with who made it and when. hint, if not
// empty, says how to resolve an open conflict, in at most Width-10
// characters.
func WriteConflict(w io.Writer, v syncengine.ConflictView, hint string) error {
	label := v.Column
	if t, ok := schema.TableByName(v.Table); ok {
		if c, ok := t.Column(v.Column); ok {
			label = c.Label + " (" + v.Column + ")"
		}
	}
	fmt.Fprintf(w, "Conflict %s, %s\n%s %s, commune %s\nField:    %s\nNow:      %s\n",
		v.ID, conflictState(v), nounOf(v.Table), v.Row, v.Scope, fit(label, Width-10), fit(valueText(v.Current), Width-10))
	for _, x := range v.Values {
		what := "displaced"
		if x.Won {
			what = "won"
		}
		who := x.Officer
		if who == "" {
			who = "an unknown officer"
		}
		_, err := fmt.Fprintf(w, "  %-9s  %s\n  %9s  written by %s (device %s) at %s\n",
			what, fit(valueText(x.Value), Width-13), "", fit(who, 30), x.Site.String()[:8], x.WrittenAt.Local().Format("2006-01-02 15:04"))
		if err != nil {
			return err
		}
	}
	if !v.Resolved && hint != "" {
		_, err := fmt.Fprintf(w, "Resolve:  %s\n", fit(hint, Width-10))
		return err
	}
	return nil
}

func conflictState(v syncengine.ConflictView) string {
	if v.Resolved {
		return "resolved"
	}
	return "open"
}

// valueText is a cell's value on one line; "-" for none.
func valueText(v syncengine.Value) string {
	if v.IsNull() {
		return "-"
	}
	return strings.NewReplacer("\t", " ", "\n", " ").Replace(fmt.Sprint(v.Any()))
}

// nounOf is the word people use for a table's rows.
func nounOf(table string) string {
	if t, ok := schema.TableByName(table); ok {
		return t.Noun
	}
	return table
}
