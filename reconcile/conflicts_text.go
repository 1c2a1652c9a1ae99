package reconcile

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// WriteConflicts writes conflicts as a table for a person in l, open ones
// as given first; withCommune adds the commune column (the server lists
// many, a laptop its own few, within Width columns).
func WriteConflicts(w io.Writer, l i18n.Lang, views []syncengine.ConflictView, withCommune bool) error {
	if len(views) == 0 {
		_, err := fmt.Fprintln(w, i18n.T(l, "findings.conflicts.none"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := strings.Split(i18n.T(l, "findings.conflicts.header"), "\t")
	if withCommune {
		head = append([]string{head[0], i18n.T(l, "findings.conflicts.commune")}, head[1:]...)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, v := range views {
		cells := []string{v.ID[:8], fit(columnLabel(l, v.Table, v.Column), 20),
			fit(valueText(v.Current), 14), fit(valueText(v.Values[0].Value), 14), conflictState(l, v)}
		if withCommune {
			cells = append([]string{cells[0], fit(schema.CommuneName(v.Scope), 14)}, cells[1:]...)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// WriteConflict writes one conflict for a person in l: the field by its
// label, the value kept, and each write with who made it and when. hint,
// if not empty, says how to resolve an open conflict, in at most Width-10
// characters.
func WriteConflict(w io.Writer, l i18n.Lang, v syncengine.ConflictView, hint string) error {
	label := columnLabel(l, v.Table, v.Column) + " (" + v.Column + ")"
	fmt.Fprintln(w, i18n.T(l, "findings.conflict.heading", v.ID, conflictState(l, v), nounOf(l, v.Table), schema.CommuneName(v.Scope)))
	fmt.Fprintln(w, i18n.T(l, "findings.conflict.field", fit(label, Width-12)))
	fmt.Fprintln(w, i18n.T(l, "findings.conflict.now", fit(valueText(v.Current), Width-12)))
	for _, x := range v.Values {
		what := i18n.T(l, "findings.conflict.displaced")
		if x.Won {
			what = i18n.T(l, "findings.conflict.won")
		}
		who := x.Officer
		if who == "" {
			who = i18n.T(l, "findings.unknown_officer")
		}
		fmt.Fprintf(w, "  %-10s  %s\n", what, fit(valueText(x.Value), Width-14))
		fmt.Fprintf(w, "  %10s  %s\n", "", fit(i18n.T(l, "findings.conflict.written", who, x.Site.String()[:8], schema.FormatDayTime(x.WrittenAt)), Width-14))
	}
	if !v.Resolved && hint != "" {
		_, err := fmt.Fprintln(w, i18n.T(l, "findings.conflict.resolve", fit(hint, Width-12)))
		return err
	}
	return nil
}

func conflictState(l i18n.Lang, v syncengine.ConflictView) string {
	if v.Resolved {
		return i18n.T(l, "findings.conflict.resolved")
	}
	return i18n.T(l, "findings.conflict.open")
}

// valueText is a cell's value on one line; "-" for none.
func valueText(v syncengine.Value) string {
	if v.IsNull() {
		return "-"
	}
	return strings.NewReplacer("\t", " ", "\n", " ").Replace(fmt.Sprint(v.Any()))
}

// nounOf is the word people use for a table's rows, in l.
func nounOf(l i18n.Lang, table string) string {
	if t, ok := schema.TableByName(table); ok {
		return i18n.T(l, "noun."+t.Noun)
	}
	return table
}

// columnLabel is a column's label in l, from the catalogue.
func columnLabel(l i18n.Lang, table, column string) string {
	return i18n.T(l, "column."+table+"."+column)
}
