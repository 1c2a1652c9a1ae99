package syncengine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// check runs, once everyone has synced on a sound network, every check of
// the final state.
func (w *simWorld) check() {
	w.settle()
	w.checkDigests()
	for _, r := range w.all {
		got := w.actual(r)
		w.compareStates(r.name, w.expected(r), got)
		w.checkAcked(r, got)
		w.checkProjection(r, w.expected(r))
		w.checkLog(r)
	}
	w.checkRefusals()
	replay := w.checkReplay()
	w.checkConflicts(replay)
	w.checkOrphans(replay)
}

// checkDigests: the replicas enrolled for a commune agree on its digest.
func (w *simWorld) checkDigests() {
	for _, scope := range w.scopes {
		want := mustDigest(w.t, w.server.db, scope)
		for _, d := range w.devices {
			if d.enrolled(scope) && mustDigest(w.t, d.db, scope) != want {
				w.t.Errorf("%s's digest of commune %s differs from the server's", d.name, scope)
			}
		}
	}
}

// actual reads a replica's merged state from its row and cell stores.
func (w *simWorld) actual(r *simReplica) simState {
	st := newSimState()
	rows, err := r.db.SQL().QueryContext(w.ctx, `SELECT tbl, row_id, scope, cl FROM sync_rows`)
	if err != nil {
		w.t.Fatalf("%s: rows: %v", r.name, err)
	}
	for rows.Next() {
		var k simRowKey
		var id []byte
		var row simRowState
		if err := rows.Scan(&k.table, &id, &row.scope, &row.cl); err != nil {
			w.t.Fatalf("%s: rows: %v", r.name, err)
		}
		copy(k.row[:], id)
		st.rows[k] = row
	}
	rows.Close()
	rows, err = r.db.SQL().QueryContext(w.ctx, `SELECT c.tbl, c.row_id, c.col, c.val, c.hlc, s.site, c.cl
		FROM sync_cells c JOIN sync_sites s ON s.id = c.site`)
	if err != nil {
		w.t.Fatalf("%s: cells: %v", r.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k simCellKey
		var id, site []byte
		var val any
		var c simCell
		if err := rows.Scan(&k.table, &id, &k.col, &val, &c.hlc, &site, &c.cl); err != nil {
			w.t.Fatalf("%s: cells: %v", r.name, err)
		}
		copy(k.row[:], id)
		copy(c.site[:], site)
		if c.value, err = ValueOf(val); err != nil {
			w.t.Fatalf("%s: cell value: %v", r.name, err)
		}
		st.cells[k] = c
	}
	return st
}

// compareStates reports every row and cell where got is not want.
func (w *simWorld) compareStates(name string, want, got simState) {
	var diffs []string
	for k, wr := range want.rows {
		if gr, ok := got.rows[k]; !ok || gr != wr {
			diffs = append(diffs, fmt.Sprintf("row %s %s: %+v, want %+v", k.table, k.row, gr, wr))
		}
	}
	for k, gr := range got.rows {
		if _, ok := want.rows[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("row %s %s: %+v, which nobody acknowledged", k.table, k.row, gr))
		}
	}
	for k, wc := range want.cells {
		if gc, ok := got.cells[k]; !ok || !simSameCell(gc, wc) {
			diffs = append(diffs, fmt.Sprintf("cell %s.%s of %s: %s, want %s", k.table, k.col, k.row, simCellString(gc, ok), simCellString(wc, true)))
		}
	}
	for k, gc := range got.cells {
		if _, ok := want.cells[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("cell %s.%s of %s: %s, which nobody acknowledged", k.table, k.col, k.row, simCellString(gc, true)))
		}
	}
	w.reportDiffs(name+"'s merged state", diffs)
}

func (w *simWorld) reportDiffs(what string, diffs []string) {
	if len(diffs) == 0 {
		return
	}
	slices.Sort(diffs)
	w.t.Errorf("%s differs from the model in %d places:\n%s", what, len(diffs), strings.Join(diffs[:min(len(diffs), 8)], "\n"))
}

func simSameCell(a, b simCell) bool {
	return a.hlc == b.hlc && a.site == b.site && a.cl == b.cl && a.value.Equal(b.value)
}

func simCellString(c simCell, ok bool) string {
	if !ok {
		return "missing"
	}
	return fmt.Sprintf("%#v (cl %d, %v, site %s)", c.value, c.cl, c.hlc, c.site)
}

// checkAcked: every acknowledged write r must hold is there, or superseded
// by a write of a larger (causal length, HLC, site): a later write, or a
// delete of its row (which a parent's delete cascades to).
func (w *simWorld) checkAcked(r *simReplica, got simState) {
	for _, a := range w.mustHold(r) {
		c := a.c
		row, ok := got.rows[simRowKey{c.Table, c.Row}]
		if !ok || row.cl < c.CL {
			w.t.Errorf("%s lost %s's change #%d: row %s %s has causal length %d, the change %d", r.name, a.writer.name, c.Seq, c.Table, c.Row, row.cl, c.CL)
			continue
		}
		if c.IsExists() {
			continue
		}
		mine := simCell{value: c.Value, hlc: c.HLC, site: c.Site, cl: c.CL}
		cell, ok := got.cells[simCellKey{c.Table, c.Row, c.Column}]
		if !ok || simNewer(mine, cell) || (!simNewer(cell, mine) && !cell.value.Equal(mine.value)) {
			w.t.Errorf("%s lost %s's change #%d to %s.%s: holds %s, the change %s", r.name, a.writer.name, c.Seq, c.Table, c.Column, simCellString(cell, ok), simCellString(mine, true))
		}
	}
}

// checkProjection: the domain tables show exactly the live rows, with the
// cells of their current life.
func (w *simWorld) checkProjection(r *simReplica, want simState) {
	var diffs []string
	for _, spec := range simTables {
		shown := w.domainRows(r, spec)
		for k, row := range want.rows {
			if k.table != spec.Name || !Alive(row.cl) {
				continue
			}
			got, ok := shown[k.row]
			delete(shown, k.row)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s %s is alive but not shown", spec.Name, k.row))
				continue
			}
			for i, col := range spec.Columns {
				var v Value
				if c, ok := want.cells[simCellKey{k.table, k.row, col}]; ok && c.cl == row.cl {
					v = simStored(simKindOf(k.table, col), c.value)
				}
				if !got[i].Equal(v) {
					diffs = append(diffs, fmt.Sprintf("%s %s: %s shows %#v, want %#v", spec.Name, k.row, col, got[i], v))
				}
			}
		}
		for id := range shown {
			diffs = append(diffs, fmt.Sprintf("%s %s is shown, but it is not alive", spec.Name, id))
		}
	}
	w.reportDiffs(r.name+"'s domain tables", diffs)
}

func (w *simWorld) domainRows(r *simReplica, spec TableSpec) map[RowID][]Value {
	rows, err := r.db.SQL().QueryContext(w.ctx, fmt.Sprintf("SELECT id, %s FROM %s", strings.Join(spec.Columns, ", "), spec.Name))
	if err != nil {
		w.t.Fatalf("%s: read %s: %v", r.name, spec.Name, err)
	}
	defer rows.Close()
	out := map[RowID][]Value{}
	for rows.Next() {
		var id string
		raw := make([]any, len(spec.Columns))
		dest := []any{&id}
		for i := range raw {
			dest = append(dest, &raw[i])
		}
		if err := rows.Scan(dest...); err != nil {
			w.t.Fatalf("%s: read %s: %v", r.name, spec.Name, err)
		}
		vals := make([]Value, len(raw))
		for i, x := range raw {
			if vals[i], err = ValueOf(x); err != nil {
				w.t.Fatalf("%s: read %s: %v", r.name, spec.Name, err)
			}
		}
		rid, err := uuidOf(Text(id))
		if err != nil {
			w.t.Fatalf("%s: read %s: %v", r.name, spec.Name, err)
		}
		out[rid] = vals
	}
	return out
}

// checkLog: r's log chain recomputes from its entries (checkChain); each
// origin's changes stand in r's log in the order of their
// sequence numbers, each origin's writes of a cell in one life of its row
// in the order of their HLCs (a stamp past the clock's horizon is not
// followed, and a clock repair lowers the clock, so an origin's stamps
// increase cell by cell only), and every change survives a JSON round trip
// bit for bit (-0.0, NFD text and empty blobs included).
func (w *simWorld) checkLog(r *simReplica) {
	if err := checkChain(r.db); err != nil {
		w.t.Errorf("%s's log: %v", r.name, err)
	}
	type originCell struct {
		site SiteID
		cell simCellKey
		cl   uint64
	}
	last := map[SiteID]Change{}
	lastOfCell := map[originCell]Change{}
	for _, c := range allChanges(w.t, r.db) {
		if p, ok := last[c.Site]; ok && c.Seq <= p.Seq {
			w.t.Errorf("%s's log holds %s #%d after #%d", r.name, c.Site, c.Seq, p.Seq)
		}
		k := originCell{c.Site, simCellKey{c.Table, c.Row, c.Column}, c.CL}
		if p, ok := lastOfCell[k]; ok && !c.IsExists() && c.HLC <= p.HLC {
			w.t.Errorf("%s's log holds %s #%d of %s.%s (%v) after #%d (%v)", r.name, c.Site, c.Seq, c.Table, c.Column, c.HLC, p.Seq, p.HLC)
		}
		last[c.Site], lastOfCell[k] = c, c
		b, err := json.Marshal(c)
		if err != nil {
			w.t.Fatalf("encode %+v: %v", c, err)
		}
		var d Change
		if err := json.Unmarshal(b, &d); err != nil {
			w.t.Fatalf("decode %s: %v", b, err)
		}
		again, _ := json.Marshal(d)
		if sameChange(&c, &d) != nil || d.Site != c.Site || d.Seq != c.Seq || d.Value.Kind() != c.Value.Kind() || !bytes.Equal(b, again) {
			w.t.Errorf("%s: %#v became %#v through JSON (%s)", r.name, c, d, b)
		}
	}
}

// checkRefusals: the server refused exactly the devices' changes outside
// their communes, recorded each, and each device knows of its own; nothing
// is pending, and the server holds every device's changes.
func (w *simWorld) checkRefusals() {
	refused, err := w.server.db.RejectedChanges(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var got, want []string
	for _, rc := range refused {
		got = append(got, fmt.Sprintf("%s #%d", rc.Site, rc.Seq))
	}
	for _, o := range w.all {
		for _, c := range w.model.mine[o] {
			if a := (simAck{c, o}); !a.accepted() {
				want = append(want, fmt.Sprintf("%s #%d", c.Site, c.Seq))
			}
		}
	}
	for _, a := range w.model.landed {
		if !a.accepted() {
			want = append(want, fmt.Sprintf("%s #%d", a.c.Site, a.c.Seq))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	want = slices.Compact(want) // copies of one file hold the same changes
	if !slices.Equal(got, want) {
		w.t.Errorf("the server refused %d changes, the model %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for _, d := range w.devices {
		st, err := d.db.Status(w.ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		mine := 0
		for _, c := range w.model.mine[d] {
			if a := (simAck{c, d}); c.Site == d.site && !a.accepted() {
				mine++
			}
		}
		vv, err := w.server.db.Versions(w.ctx, d.site)
		if err != nil {
			w.t.Fatal(err)
		}
		if st.Pending != 0 || st.Rejected != mine || vv[d.site] != st.OwnSeq {
			w.t.Errorf("%s: status %+v, %d refused by the model, the server holds up to #%d", d.name, st, mine, vv[d.site])
		}
	}
}

// checkReplay: the server's log, replayed into an empty database in random
// batches, gives the server's state and digests. It returns the replica of
// the replay.
func (w *simWorld) checkReplay() *simReplica {
	replay := w.open("replay", nil)
	var after uint64
	for {
		changes, seqs, err := w.server.db.ReadLog(w.ctx, after, 1+w.rng.IntN(200))
		if err != nil {
			w.t.Fatal(err)
		}
		if len(changes) == 0 {
			break
		}
		if _, err := replay.db.ApplyPulled(w.ctx, changes, "", Cursor{}); err != nil {
			w.t.Fatalf("replay: %v", err)
		}
		after = seqs[len(seqs)-1]
	}
	for _, scope := range append([]string{""}, w.scopes...) {
		if mustDigest(w.t, replay.db, scope) != mustDigest(w.t, w.server.db, scope) {
			w.t.Errorf("the replayed log's digest of %q differs from the server's", scope)
		}
	}
	w.compareStates("the replayed log", w.actual(w.server), w.actual(replay))
	return replay
}

// checkConflicts: conflicts are a function of the changes held, so the
// replicas of a commune, and the replay of the server's log, list the same;
// and every replica's index of contested cells, and the conflicts read
// through it, are those its log defines (checkContested).
func (w *simWorld) checkConflicts(replay *simReplica) {
	for _, r := range append([]*simReplica{replay}, w.all...) {
		if err := checkContested(w.ctx, r.db, w.scopes...); err != nil {
			w.t.Errorf("%s: %v", r.name, err)
		}
	}
	for _, scope := range w.scopes {
		want := w.conflicts(w.server, scope)
		w.note("conflicts in %s: %d", scope, strings.Count(want, "\n"))
		for _, r := range append([]*simReplica{replay}, w.devices...) {
			if got := w.conflicts(r, scope); r.enrolled(scope) && got != want {
				w.t.Errorf("%s lists other conflicts in %s than the server:\n%s\nwant:\n%s", r.name, scope, got, want)
			}
		}
	}
}

func (w *simWorld) conflicts(r *simReplica, scope string) string {
	found, err := r.db.Conflicts(w.ctx, ConflictQuery{Scopes: []string{scope}})
	if err != nil {
		w.t.Fatalf("%s: conflicts: %v", r.name, err)
	}
	var b strings.Builder
	for _, c := range found {
		fmt.Fprintf(&b, "%s %s.%s resolved %v\n", c.ID, c.Table, c.Column, c.Resolved)
	}
	return b.String()
}

// checkOrphans: each replica lists as orphans exactly the live child rows
// whose parent is not alive in the model of what it holds (so every live
// child is under a live parent or listed), and the replicas of a commune,
// and the replay of the server's log, list the same ones with the same ids,
// parents and deletes.
func (w *simWorld) checkOrphans(replay *simReplica) {
	for _, r := range w.all {
		want := simOrphans(w.expected(r))
		var got []string
		for _, o := range w.mustOrphans(r, nil) {
			got = append(got, o.Table+" "+o.Row.String())
		}
		if !slices.Equal(got, want) {
			w.t.Errorf("%s lists the orphans\n%v\nwant, by the model,\n%v", r.name, got, want)
		}
		if r == w.server {
			w.note("orphans: %d", len(want))
		}
	}
	for _, scope := range w.scopes {
		want := w.orphans(w.server, scope)
		for _, r := range append([]*simReplica{replay}, w.devices...) {
			if got := w.orphans(r, scope); r.enrolled(scope) && got != want {
				w.t.Errorf("%s lists other orphans in %s than the server:\n%s\nwant:\n%s", r.name, scope, got, want)
			}
		}
	}
}

func (w *simWorld) mustOrphans(r *simReplica, scopes []string) []Orphan {
	found, err := r.db.Orphans(w.ctx, scopes)
	if err != nil {
		w.t.Fatalf("%s: orphans: %v", r.name, err)
	}
	return found
}

// orphans renders the orphans of a commune r lists, one a line.
func (w *simWorld) orphans(r *simReplica, scope string) string {
	var b strings.Builder
	for _, o := range w.mustOrphans(r, []string{scope}) {
		p := o.Parent
		fmt.Fprintf(&b, "%s %s %s under %s %s cl %d deleted by %s at %v: %v\n", o.ID, o.Table, o.Row, p.Table, p.Row, p.CL, p.DeletedBy, p.DeletedAt, p.Values)
	}
	return b.String()
}

// simOrphans lists, as "table row" in the engine's order (tables as
// declared, then rows by id), the live rows of st whose parent row is not
// alive: a member added on one laptop while another deleted the household,
// or a row whose link in its current life is empty.
func simOrphans(st simState) []string {
	var out []string
	for _, spec := range simTables {
		var rows []RowID
		for k, row := range st.rows {
			if k.table != spec.Name || spec.ParentColumn == "" || !Alive(row.cl) {
				continue
			}
			var parent RowID
			if link, ok := st.cells[simCellKey{k.table, k.row, spec.ParentColumn}]; ok && link.cl == row.cl {
				parent, _ = uuidOf(link.value)
			}
			if !Alive(st.rows[simRowKey{spec.ParentTable, parent}].cl) {
				rows = append(rows, k.row)
			}
		}
		slices.SortFunc(rows, func(a, b RowID) int { return strings.Compare(a.String(), b.String()) })
		for _, id := range rows {
			out = append(out, spec.Name+" "+id.String())
		}
	}
	return out
}
