package app

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// maxPendingDetail is how many changes waiting `hodan status` reads to
// say what they are; past it, it gives only their number.
const maxPendingDetail = 20000

// printStatus tells the officer in plain words who this laptop records
// for, what waits to be sent, when the last sync was, and what needs
// doing: changes the server refused, conflicts to look at and orphaned
// records to settle.
func (a *app) printStatus(ctx context.Context, w io.Writer, db *syncengine.DB, dev *ops.Device, st syncengine.Status, rejected []syncengine.RejectedChange, open int) error {
	var b strings.Builder
	line := func(key string, args ...any) { b.WriteString(a.T(key, args...) + "\n") }
	line("status.officer", dev.Officer)
	line("status.communes", strings.Join(dev.Communes, ", "))
	line("status.server", dev.Server)
	line("status.site", st.Site)
	line("status.database", db.Path())
	b.WriteString("\n")
	if st.Pending == 0 {
		line("status.nothing_waiting")
	} else {
		line("status.waiting", a.count(int(st.Pending), "count.change"))
		if st.Pending <= maxPendingDetail {
			changes, err := db.Pending(ctx, st.Site, st.Pushed, maxPendingDetail)
			if err != nil {
				return err
			}
			for _, s := range a.pendingSummary(changes) {
				b.WriteString("  - " + s + "\n")
			}
		}
	}
	if st.Fork != nil {
		b.WriteString(a.forkStatus(st.Fork) + "\n")
	}
	if st.LastSync.IsZero() {
		line("status.never_synced")
	} else {
		line("status.last_sync", a.ago(a.now().Sub(st.LastSync)), a.dateTime(st.LastSync))
	}
	if len(rejected) > 0 {
		b.WriteString("\n")
		line("status.refused", a.count(len(rejected), "count.change"))
		for _, r := range rejected {
			b.WriteString("  " + cut(fmt.Sprintf("#%d %s", r.Seq, ops.Refusal(a.lang, r.Code, r.Message)), 78) + "\n")
		}
		line("status.refused_todo")
	}
	if open > 0 {
		b.WriteString("\n")
		line("status.conflicts", a.count(open, "count.conflict"))
	}
	orphans, err := orphanCount(ctx, db, dev)
	if err != nil {
		return err
	}
	if orphans > 0 {
		b.WriteString("\n")
		line("status.orphans", a.count(orphans, "count.orphan"))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// orphanCount is how many orphaned records the laptop's communes hold
// (see reconcile.Orphans).
func orphanCount(ctx context.Context, db *syncengine.DB, dev *ops.Device) (int, error) {
	names, err := ops.DeviceOfficers(ctx, db, dev)
	if err != nil {
		return 0, err
	}
	orphans, err := ops.Orphans(ctx, db, dev.Actor(), names)
	return len(orphans), err
}

// pendingSummary says, table by table, what changes waiting to be sent
// do: how many records they create, change and delete.
func (a *app) pendingSummary(changes []syncengine.Change) []string {
	type tally struct{ created, changed, deleted map[syncengine.RowID]bool }
	by := map[string]*tally{}
	for _, c := range changes {
		t := by[c.Table]
		if t == nil {
			t = &tally{map[syncengine.RowID]bool{}, map[syncengine.RowID]bool{}, map[syncengine.RowID]bool{}}
			by[c.Table] = t
		}
		switch {
		case c.IsExists() && c.CL == 1:
			t.created[c.Row] = true
		case c.IsExists() && c.CL%2 == 0:
			t.deleted[c.Row] = true
		case !c.IsExists():
			t.changed[c.Row] = true
		}
	}
	var out []string
	for _, table := range schema.Tables() {
		t := by[table.Name]
		if t == nil {
			continue
		}
		for id := range t.created {
			delete(t.changed, id) // a new record's fields are part of it
		}
		var parts []string
		for _, p := range []struct {
			n   int
			key string
		}{{len(t.created), "status.created"}, {len(t.changed), "status.changed"}, {len(t.deleted), "status.deleted"}} {
			if p.n > 0 {
				parts = append(parts, a.T(p.key, p.n))
			}
		}
		if len(parts) > 0 {
			out = append(out, a.tableLabel(table)+": "+strings.Join(parts, ", "))
		}
		delete(by, table.Name)
	}
	var rest []string
	for name := range by {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest { // tables this version of hodan does not know
		out = append(out, a.T("status.other_table", name))
	}
	return out
}

// ago says how long ago something was, in whole minutes, hours or days.
func (a *app) ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return a.T("ago.now")
	case d < time.Hour:
		return a.count(int(d/time.Minute), "ago.minutes")
	case d < 24*time.Hour:
		return a.count(int(d/time.Hour), "ago.hours")
	}
	return a.count(int(d/(24*time.Hour)), "ago.days")
}
