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
type simModel struct {
	acks    []simAck
	scope   map[simRowKey]string // the scope of every row ever created
	rows    []simRowKey          // every row ever created, in order
	lastHLC map[SiteID]HLC       // the HLC of each site's latest change
}

// simAck is one acknowledged change and the replica that wrote it.
type simAck struct {
	c      Change
	writer *simReplica
}

func newSimModel() simModel {
	return simModel{scope: map[simRowKey]string{}, lastHLC: map[SiteID]HLC{}}
}

func (m *simModel) ack(r *simReplica, changes []Change) {
	for _, c := range changes {
		key := simRowKey{c.Table, c.Row}
		if _, ok := m.scope[key]; !ok {
			m.scope[key] = c.Scope
			m.rows = append(m.rows, key)
		}
		m.acks = append(m.acks, simAck{c: c, writer: r})
		m.lastHLC[r.site] = c.HLC
	}
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

// heldBy reports whether r must hold the change once everyone has synced:
// its own changes, and the accepted changes of its communes.
func (a simAck) heldBy(r *simReplica) bool {
	return a.writer == r || (a.accepted() && r.enrolled(a.c.Scope))
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
func (m *simModel) expected(r *simReplica) simState {
	st := newSimState()
	for _, a := range m.acks {
		if a.heldBy(r) {
			st.merge(a.c)
		}
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
// Two writes of one site never share an HLC (the receipts check it), so
// this order is total on acknowledged writes.
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
// consecutive sequence numbers, HLCs after every earlier one of the site,
// the rows' scopes, creations and deletes it made, and every value, bit for
// bit, one it asked for that cell.
func (w *simWorld) checkReceipts(r *simReplica, asked *simAsked, before, after uint64, receipts []Change) {
	if uint64(len(receipts)) != after-before {
		w.t.Errorf("%s: the write issued #%d to #%d but logged %d changes", r.name, before+1, after, len(receipts))
	}
	prev := w.model.lastHLC[r.site]
	for i, c := range receipts {
		if c.Site != r.site || c.Seq != before+uint64(i)+1 {
			w.t.Errorf("%s: change %d of the write is %s #%d", r.name, i, c.Site, c.Seq)
		}
		if c.HLC <= prev {
			w.t.Errorf("%s: #%d stamped %v, not after the site's previous change (%v)", r.name, c.Seq, c.HLC, prev)
		}
		prev = c.HLC
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
