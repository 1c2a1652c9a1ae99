package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// Orphaned records (reconcile.Orphans) are listed, shown and settled with
// the conflicts: `hodan conflicts list`, `show ID`, `resolve ID --restore |
// --move-to ID | --delete`. The rules are reconcile's and ops'; this file
// parses, calls and renders.

// orphanWays are the flags of `conflicts resolve` that settle an orphan.
type orphanWays struct{ ops.Settlement }

func (w *orphanWays) flags(a *app, cmd *cobra.Command) {
	cmd.Flags().BoolVar(&w.Restore, "restore", false, a.T("orphans.flag_restore"))
	cmd.Flags().StringVar(&w.MoveTo, "move-to", "", a.T("orphans.flag_move_to"))
	cmd.Flags().BoolVar(&w.Delete, "delete", false, a.T("orphans.flag_delete"))
	cmd.Flags().BoolVar(&w.WithChildren, "with-children", false, a.T("orphans.flag_with_children"))
}

// settleOrphan settles o the one way asked for (ops.SettleOrphan) and
// reports it.
func (a *app) settleOrphan(cmd *cobra.Command, db *syncengine.DB, dev *ops.Device, o reconcile.Orphan, w orphanWays) error {
	if err := w.Check(o); err != nil {
		return usageError{err}
	}
	st, err := ops.SettleOrphan(cmd.Context(), db, dev.Actor(), o, w.Settlement)
	if err != nil {
		return err
	}
	return a.printSettled(cmd.OutOrStdout(), o, st)
}

// printSettled reports how o was settled, naming the records.
func (a *app) printSettled(out io.Writer, o reconcile.Orphan, st ops.Settled) error {
	var text string
	n := a.count(st.Changes, "count.change")
	switch st.Way {
	case "restored":
		text = a.T("orphans.done_restore", noun(nounOf(o.Deleted.Table)), o.Deleted.Name, o.ID[:8], n)
	case "deleted":
		text = a.T("orphans.done_delete", noun(nounOf(o.Table)), o.Record, n)
	default:
		text = a.T("orphans.done_move", noun(nounOf(o.Table)), o.Record, noun(st.Target.Noun), st.ToName, n)
	}
	if a.json {
		return printJSON(out, map[string]any{"id": o.ID, "table": o.Table, "row_id": o.Row, st.Way: true, "changes": st.Changes})
	}
	_, err := fmt.Fprintln(out, text)
	return err
}

// writeOrphans writes orphans under a heading, each group (see
// reconcile.Groups) under a line that says what was deleted, by whom and
// when, then how to see and settle one; nothing when there are none.
func (a *app) writeOrphans(w io.Writer, orphans []reconcile.Orphan) error {
	if len(orphans) == 0 {
		return nil
	}
	width := terminalWidth(w)
	var b strings.Builder
	b.WriteString(a.T("orphans.heading", len(orphans)) + "\n")
	word := func(table string) string { return a.nounWord(nounOf(table)) }
	for _, g := range reconcile.Groups(orphans) {
		o := g[0]
		village := ""
		if o.Reason == reconcile.ReasonParentDeleted && o.Village != "" {
			village = a.T("orphans.in_village", o.Village)
		}
		b.WriteString(cut(upperFirst(a.T("orphans.group."+o.Reason, word(o.Deleted.Table), a.deletedName(o), village, ops.DeletedOn(o), a.deleter(o))), width) + "\n")
		for _, o := range g {
			b.WriteString("  " + o.ID[:8] + "  " + cut(reconcile.RecordText(a.lang, o, word), width-12) + "\n")
		}
	}
	b.WriteString(a.T("orphans.hint") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeOrphan writes one orphan: the record, its household and village,
// why it is an orphan, who deleted what and when, and the ways to settle it.
func (a *app) writeOrphan(w io.Writer, o reconcile.Orphan) error {
	short := o.ID[:8]
	var b strings.Builder
	line := func(key string, args ...any) { b.WriteString(a.T(key, args...) + "\n") }
	line("orphan.head", o.ID, o.Commune)
	line("orphan.record", noun(nounOf(o.Table)), orDash(o.Record), o.Row)
	if o.Table != "households" {
		line("orphan.household", a.householdText(o), orDash(o.HouseholdID))
	}
	line("orphan.village", orDash(o.Village))
	line("orphan.why", a.why(o))
	if o.Deleted.At != nil {
		line("orphan.deleted_by", a.deleter(o), ops.DeletedOn(o))
	}
	deleted := noun(nounOf(o.Deleted.Table))
	if o.Deleted.Known {
		line("orphan.settle_restore", short, deleted)
	} else {
		line("orphan.never_held", deleted)
	}
	line("orphan.settle_move", short, noun(reconcile.MoveTable(o).Noun))
	line("orphan.settle_delete", short)
	_, err := io.WriteString(w, b.String())
	return err
}

// why says in a few words why o is an orphan.
func (a *app) why(o reconcile.Orphan) string {
	return a.T("orphans.why."+o.Reason, noun(nounOf(o.Deleted.Table)), a.deletedName(o))
}

func (a *app) householdText(o reconcile.Orphan) string {
	if o.HouseholdNumber == "" {
		return orDash(o.HeadName)
	}
	return a.T("orphans.number", orDash(o.HeadName), o.HouseholdNumber)
}

func (a *app) deletedName(o reconcile.Orphan) string {
	if o.Deleted.Name == "" {
		return a.T("orphans.unknown")
	}
	return o.Deleted.Name
}

// deleter names who deleted what o misses: the officer, else the device.
func (a *app) deleter(o reconcile.Orphan) string { return ops.DeletedBy(a.lang, o) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// orphanNote is the line `show` adds under an orphan: why, and how to
// settle it.
func (a *app) orphanNote(o *reconcile.Orphan) string {
	return a.T("orphans.show_note", a.why(*o), o.ID[:8], o.ID[:8])
}

// printShown writes the record `show` found and, under an orphan, why it
// is one and how to settle it (in JSON, the orphan as "orphan").
func (a *app) printShown(w io.Writer, t *schema.Table, shown ops.Shown) error {
	r, o := shown.Record, shown.Orphan
	if a.json {
		if o != nil {
			r["orphan"] = o
		}
		return printJSON(w, r)
	}
	if err := a.printRecord(w, t, withNames(r, shown.Refs)); err != nil || o == nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\n"+a.orphanNote(o))
	return err
}
