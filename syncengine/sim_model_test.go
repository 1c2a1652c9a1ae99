package syncengine

import (
	"bytes"
	"math/rand/v2"
	"slices"

	"github.com/google/uuid"
)

// simModel is the simulation's model of what was written: every change a
// replica acknowledged (its Write returned nil), as the writer logged it.
// From it alone the model says what every replica must hold after the
// final sync, independently of how the engine merges.
//
// A database file can be put back from an older copy, or copied onto a
// second laptop (sim_identity_test.go): the model follows files, not
// laptops. mine is what each file holds as its own changes; a change a
// file no longer holds as it was — lost with a file put back from an older
// copy, or moved to a new site id by a fork — is lost to the model too,
// and must survive only if it reached the server before (settle).
type simModel struct {
	mine   map[*simReplica][]Change // each replica's own changes, as its file holds them
	lost   []simAck                 // changes a file no longer holds as they were
	landed []simAck                 // those of lost the server holds, once settled
	scope  map[simRowKey]string     // the scope of every row ever created
	rows   []simRowKey              // every row ever created, in order
	// lastHLC is, for each file, the stamp of its latest own change that
	// its clock followed: one no later than its wall clock plus the
	// tolerance when written (see Clock.Observe). Every later change of
	// the file is stamped after it, until a clock repair lowers the clock.
	lastHLC map[*simReplica]HLC
}

// simAck is one acknowledged change and the replica that wrote it.
type simAck struct {
	c      Change
	writer *simReplica
}

func newSimModel() simModel {
	return simModel{mine: map[*simReplica][]Change{}, scope: map[simRowKey]string{}, lastHLC: map[*simReplica]HLC{}}
}

// ack records the changes r acknowledged, written when the latest stamp
// its clock followed was horizon.
func (m *simModel) ack(r *simReplica, changes []Change, horizon HLC) {
	for _, c := range changes {
		key := simRowKey{c.Table, c.Row}
		if _, ok := m.scope[key]; !ok {
			m.scope[key] = c.Scope
			m.rows = append(m.rows, key)
		}
		m.mine[r] = append(m.mine[r], c)
		if c.HLC <= horizon {
			m.lastHLC[r] = max(m.lastHLC[r], c.HLC)
		}
	}
}

// restamped replaces r's acknowledged changes by the same changes as a
// clock repair re-stamped them (nobody else had seen them), and lowers the
// latest stamp its clock followed to the repaired clock's.
func (m *simModel) restamped(r *simReplica, changes []Change, last HLC) {
	type siteSeq struct {
		site SiteID
		seq  uint64
	}
	by := map[siteSeq]Change{}
	for _, c := range changes {
		by[siteSeq{c.Site, c.Seq}] = c
	}
	for i, c := range m.mine[r] {
		if re, ok := by[siteSeq{c.Site, c.Seq}]; ok {
			m.mine[r][i] = re
		}
	}
	m.lastHLC[r] = last
}

// notIn picks a row that live does not show: deleted, or never seen there;
// of r's communes if r is not nil.
func (m *simModel) notIn(rng *rand.Rand, live simLive, r *simReplica) (string, RowID) {
	var out []simRowKey
	for _, k := range m.rows {
		if !slices.Contains(live[k.table], k.row) && (r == nil || r.enrolled(m.scope[k])) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return "sim_households", uuid.New()
	}
	k := out[rng.IntN(len(out))]
	return k.table, k.row
}

// accepted reports whether the district takes the change: the server's own
// changes, and a device's in the communes it is enrolled for. A refused
// change was acknowledged to its writer only.
func (a simAck) accepted() bool { return a.writer.enrolled(a.c.Scope) }

// mustHold lists the changes r must hold once everyone has synced: its
// own, and the accepted changes of its communes that reached the server:
// every file's own, and those lost that the server holds (settle).
func (w *simWorld) mustHold(r *simReplica) []simAck {
	var out []simAck
	for _, o := range w.all {
		for _, c := range w.model.mine[o] {
			if a := (simAck{c, o}); o == r || a.accepted() && r.enrolled(c.Scope) {
				out = append(out, a)
			}
		}
	}
	for _, a := range w.model.landed {
		if a.accepted() && r.enrolled(a.c.Scope) {
			out = append(out, a)
		}
	}
	return out
}

// simState is merged state: every row's scope and causal length, and every
// cell's winning write.
type simState struct {
	rows  map[simRowKey]simRowState
	cells map[simCellKey]simCell
}

type simRowState struct {
	scope string
	cl    uint64
}

type simCell struct {
	value Value
	hlc   HLC
	site  SiteID
	cl    uint64
}

func newSimState() simState {
	return simState{rows: map[simRowKey]simRowState{}, cells: map[simCellKey]simCell{}}
}

// expected is what r must hold: the merge, by DESIGN.md's rules, of the
// acknowledged changes it must hold.
func (w *simWorld) expected(r *simReplica) simState {
	st := newSimState()
	for _, a := range w.mustHold(r) {
		st.merge(a.c)
	}
	return st
}

// merge: a row's causal length is the largest it was given; a cell keeps
// the write of the largest (causal length, HLC, site).
func (st simState) merge(c Change) {
	key := simRowKey{c.Table, c.Row}
	row, ok := st.rows[key]
	if !ok {
		row.scope = c.Scope
	}
	row.cl = max(row.cl, c.CL)
	st.rows[key] = row
	if c.IsExists() {
		return
	}
	ck := simCellKey{c.Table, c.Row, c.Column}
	w := simCell{value: c.Value, hlc: c.HLC, site: c.Site, cl: c.CL}
	if cur, ok := st.cells[ck]; !ok || simNewer(w, cur) {
		st.cells[ck] = w
	}
}

// simNewer orders two writes of a cell: causal length, then HLC, then site.
// Two writes of one site to one cell never share an HLC (checkLog checks
// it), so this order is total on acknowledged writes.
func simNewer(a, b simCell) bool {
	if a.cl != b.cl {
		return a.cl > b.cl
	}
	if a.hlc != b.hlc {
		return a.hlc > b.hlc
	}
	return bytes.Compare(a.site[:], b.site[:]) > 0
}

// checkReceipts checks the changes a write logged against what it asked:
// consecutive sequence numbers, HLCs after the latest one the file's clock
// followed and, for a cell, after the value its writer saw (its base), the
// rows' scopes, creations and deletes it made, and every value, bit for
// bit, one it asked for that cell.
func (w *simWorld) checkReceipts(r *simReplica, asked *simAsked, before, after uint64, receipts []Change) {
	if uint64(len(receipts)) != after-before {
		w.t.Errorf("%s: the write issued #%d to #%d but logged %d changes", r.name, before+1, after, len(receipts))
	}
	prev, horizon := w.model.lastHLC[r], w.horizon(r)
	for i, c := range receipts {
		if c.Site != r.site || c.Seq != before+uint64(i)+1 {
			w.t.Errorf("%s: change %d of the write is %s #%d", r.name, i, c.Site, c.Seq)
		}
		if c.HLC <= prev || c.HLC <= c.Base {
			w.t.Errorf("%s: #%d stamped %v, not after the file's clock (%v) and the value it replaced (%v)", r.name, c.Seq, c.HLC, prev, c.Base)
		}
		if c.HLC <= horizon {
			prev = c.HLC
		}
		key := simRowKey{c.Table, c.Row}
		scope, ok := asked.inserted[key]
		if !ok {
			scope, ok = w.model.scope[key]
		}
		if !ok || scope != c.Scope {
			w.t.Errorf("%s: #%d gives row %s scope %q, want %q", r.name, c.Seq, c.Row, c.Scope, scope)
		}
		if !w.receiptAsked(asked, c) {
			w.t.Errorf("%s: #%d was not asked for: %+v", r.name, c.Seq, c)
		}
	}
}

func (w *simWorld) receiptAsked(asked *simAsked, c Change) bool {
	key := simRowKey{c.Table, c.Row}
	_, inserted := asked.inserted[key]
	switch {
	case c.IsExists() && c.CL == 1:
		return inserted
	case c.IsExists() && Alive(c.CL):
		_, restored := asked.restored[key]
		return restored
	case c.IsExists():
		// a row deleted, or a child of one (the delete cascades)
		return !Alive(c.CL) && (asked.deleted[key] || (simSpec(c.Table).ParentColumn != "" && len(asked.deleted) > 0))
	}
	return Alive(c.CL) && (slices.ContainsFunc(asked.cells[simCellKey{c.Table, c.Row, c.Column}], c.Value.Equal) || restoredCell(asked, c))
}

// restoredCell reports whether c is a cell a restore in asked wrote again:
// the value the row's last life showed, where that is known.
func restoredCell(asked *simAsked, c Change) bool {
	before, ok := asked.restored[simRowKey{c.Table, c.Row}]
	return ok && c.CL > 1 && (before == nil || before[c.Column].Equal(c.Value))
}

// checkReadYourWrites checks that, right after the write, r shows what it
// asked: deleted rows gone, and the last value asked for each cell of a
// row still there.
func (w *simWorld) checkReadYourWrites(r *simReplica, asked *simAsked) {
	w.checkRestored(r, asked)
	for key := range asked.deleted {
		if asked.back[key] {
			continue
		}
		if _, shown := w.cellShown(r, simCellKey{key.table, key.row, "id"}); shown {
			w.t.Errorf("%s: deleted %s %s still shows", r.name, key.table, key.row)
		}
	}
	for k, want := range asked.last {
		if asked.deleted[simRowKey{k.table, k.row}] {
			continue
		}
		got, shown := w.cellShown(r, k)
		if !shown {
			if len(asked.deleted) == 0 { // else it may have gone with a deleted parent
				w.t.Errorf("%s: %s %s vanished after a write to it", r.name, k.table, k.row)
			}
			continue
		}
		if want = simStored(simKindOf(k.table, k.col), want); !got.Equal(want) {
			w.t.Errorf("%s: %s.%s of %s shows %#v after writing %#v", r.name, k.table, k.col, k.row, got, want)
		}
	}
}

// checkRestored checks that a row restored shows the values its last life
// showed, where the transaction did not write the cell itself.
func (w *simWorld) checkRestored(r *simReplica, asked *simAsked) {
	for key, before := range asked.restored {
		if before == nil || asked.deleted[key] || len(asked.deleted) > 0 {
			continue // unknown, or gone again with a parent deleted after
		}
		for _, col := range simSpec(key.table).Columns {
			k := simCellKey{key.table, key.row, col}
			if _, written := asked.cells[k]; written {
				continue
			}
			got, shown := w.cellShown(r, k)
			if want := simStored(simKindOf(key.table, col), before[col]); !shown || !got.Equal(want) {
				w.t.Errorf("%s: restored %s %s shows %s = %#v (shown %v), its last life %#v", r.name, key.table, key.row, col, got, shown, want)
			}
		}
	}
}
