package ops

import (
	"context"
	"sort"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// maxPendingDetail is how many changes waiting ReadStatus reads to say
// what they are; past it, it gives only their number.
const maxPendingDetail = 20000

// Status is what a laptop tells its officer of itself: who it records for
// and with which server (Device), where its database is (Path), what waits
// to be sent, when it last synced and whether it continued under a new
// identity (syncengine.Status), and what needs doing: changes the server
// refused, conflicts nobody resolved, orphaned records to settle, a clock
// that cannot be right (Doubt, nil when it can).
type Status struct {
	syncengine.Status
	Device *Device
	Path   string
	Doubt  *ClockDoubt
	// Waiting says, table by table, what the changes waiting do; nil when
	// too many wait to read them all.
	Waiting       []PendingTable
	Rejected      []syncengine.RejectedChange
	OpenConflicts int
	Orphans       int
}

// PendingTable counts the records of one table that changes waiting to be
// sent create, change (besides those they create) and delete. Table is nil
// for a table this version does not know, which Name names.
type PendingTable struct {
	Name                      string
	Table                     *schema.Table
	Created, Changed, Deleted int
}

// ReadStatus reads the status of the laptop dev enrolled, whose wall clock
// reads now; names names the officers who deleted what orphans miss.
func ReadStatus(ctx context.Context, db *syncengine.DB, dev *Device, names Namer, now time.Time) (Status, error) {
	st := Status{Device: dev, Path: db.Path()}
	var err error
	if st.Status, err = db.Status(ctx); err != nil {
		return st, err
	}
	if st.Doubt, err = DoubtClock(ctx, db, now); err != nil {
		return st, err
	}
	if st.Pending > 0 && st.Pending <= maxPendingDetail {
		changes, err := db.Pending(ctx, st.Site, st.Pushed, maxPendingDetail)
		if err != nil {
			return st, err
		}
		st.Waiting = PendingByTable(changes)
	}
	if st.Rejected, err = db.RejectedChanges(ctx); err != nil {
		return st, err
	}
	if st.OpenConflicts, err = OpenConflicts(ctx, db, dev.Actor()); err != nil {
		return st, err
	}
	orphans, err := Orphans(ctx, db, dev.Actor(), names)
	st.Orphans = len(orphans)
	return st, err
}

// PendingByTable counts, table by table in the schema's order (then the
// tables this version does not know, by name), what changes do.
func PendingByTable(changes []syncengine.Change) []PendingTable {
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
	var out []PendingTable
	for _, table := range schema.Tables() {
		t := by[table.Name]
		if t == nil {
			continue
		}
		for id := range t.created {
			delete(t.changed, id) // a new record's fields are part of it
		}
		out = append(out, PendingTable{Name: table.Name, Table: table, Created: len(t.created), Changed: len(t.changed), Deleted: len(t.deleted)})
		delete(by, table.Name)
	}
	var rest []string
	for name := range by {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, PendingTable{Name: name})
	}
	return out
}
