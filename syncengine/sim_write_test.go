package syncengine

import (
	"database/sql"
	"errors"
	"slices"

	"github.com/google/uuid"
)

// errSimAbort is returned by a write transaction the officer abandons.
var errSimAbort = errors.New("the officer abandoned the form")

type simRowKey struct {
	table string
	row   RowID
}

type simCellKey struct {
	table string
	row   RowID
	col   string
}

// simAsked is what one write transaction asked for, to check what it
// logged and what it shows.
type simAsked struct {
	cells    map[simCellKey][]Value // every value asked for a cell
	last     map[simCellKey]Value   // the last of them
	inserted map[simRowKey]string   // the rows it created, and their scopes
	deleted  map[simRowKey]bool     // the rows it deleted (with their children)
	// restored are the rows it restored, with the values their last life
	// showed before the transaction (nil when the transaction had touched
	// the row before, or it was never held).
	restored map[simRowKey]map[string]Value
	back     map[simRowKey]bool // restored since it was last deleted here
}

func newSimAsked() *simAsked {
	return &simAsked{cells: map[simCellKey][]Value{}, last: map[simCellKey]Value{},
		inserted: map[simRowKey]string{}, deleted: map[simRowKey]bool{}, restored: map[simRowKey]map[string]Value{}, back: map[simRowKey]bool{}}
}

// touched reports whether the transaction wrote to the row already.
func (a *simAsked) touched(k simRowKey) bool {
	_, inserted := a.inserted[k]
	_, restored := a.restored[k]
	for c := range a.cells {
		if c.table == k.table && c.row == k.row {
			return true
		}
	}
	return inserted || restored || a.deleted[k]
}

func (a *simAsked) ask(table string, id RowID, vals map[string]any) {
	for col, x := range vals {
		v, _ := ValueOf(x) // Insert and Update took it, so it converts
		k := simCellKey{table, id, col}
		a.cells[k] = append(a.cells[k], v)
		a.last[k] = v
	}
}

// simLive is the rows a replica shows, by table, in id order: the order
// they were created in, whatever the replay.
type simLive map[string][]RowID

func (w *simWorld) live(r *simReplica) simLive {
	out := simLive{}
	for _, s := range simTables {
		rows, err := r.db.SQL().QueryContext(w.ctx, "SELECT id FROM "+s.Name+" ORDER BY id")
		if err != nil {
			w.t.Fatalf("%s: rows of %s: %v", r.name, s.Name, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				w.t.Fatalf("%s: rows of %s: %v", r.name, s.Name, err)
			}
			out[s.Name] = append(out[s.Name], uuid.MustParse(id))
		}
		rows.Close()
	}
	return out
}

// write runs one random write transaction on r, checks what it logged and
// what r shows after it, and tells the model what r acknowledged.
func (w *simWorld) write(r *simReplica) {
	before := w.ownSeq(r)
	live, asked := w.live(r), newSimAsked()
	ops := 1
	if w.rng.IntN(4) == 0 {
		ops += w.rng.IntN(4)
	}
	err := r.db.Write(w.ctx, func(tx *Tx) error {
		for i := 0; i < ops; i++ {
			if err := w.writeOne(tx, r, live, asked); err != nil {
				return err
			}
		}
		if w.rng.IntN(25) == 0 {
			return errSimAbort
		}
		return nil
	})
	after := w.ownSeq(r)
	w.note("write %s: %d ops, %d changes, refused %v", r.name, ops, after-before, err != nil)
	if err != nil {
		if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrImmutable) && !errors.Is(err, errSimAbort) {
			w.t.Errorf("write on %s: %v", r.name, err)
		}
		if after != before {
			w.t.Errorf("a failed write on %s issued sequence numbers %d to %d", r.name, before+1, after)
		}
		return
	}
	receipts, err := r.db.Pending(w.ctx, r.site, before, 1<<20)
	if err != nil {
		w.t.Fatalf("%s: read back the write: %v", r.name, err)
	}
	w.checkReceipts(r, asked, before, after, receipts)
	w.checkReadYourWrites(r, asked)
	w.model.ack(r, receipts, w.horizon(r))
}

func (w *simWorld) writeOne(tx *Tx, r *simReplica, live simLive, asked *simAsked) error {
	switch k := w.rng.IntN(100); {
	case k < 20 || len(live["sim_households"]) == 0:
		return w.insert(tx, r, "sim_households", RowID{}, live, asked)
	case k < 35:
		return w.insert(tx, r, "sim_members", w.pickRow(live["sim_households"]), live, asked)
	case k < 45 && len(live["sim_members"]) > 0:
		return w.insert(tx, r, "sim_visits", w.pickRow(live["sim_members"]), live, asked)
	case k < 80:
		table := w.pickTable(live)
		return w.update(tx, table, w.pickRow(live[table]), live, asked)
	case k < 95:
		table := w.pickTable(live)
		id := w.pickRow(live[table])
		if err := tx.Delete(table, id); err != nil {
			return err
		}
		asked.deleted[simRowKey{table, id}] = true
		delete(asked.back, simRowKey{table, id})
		live[table] = slices.DeleteFunc(live[table], func(x RowID) bool { return x == id })
		return nil
	case k < 98:
		return w.restore(tx, r, live, asked)
	}
	return w.badWrite(tx, live)
}

// restore brings back a row r does not show: a deleted one, with its last
// life's values; the engine refuses one r never held, or a child whose
// parent is not alive, and the transaction fails.
func (w *simWorld) restore(tx *Tx, r *simReplica, live simLive, asked *simAsked) error {
	table, id := w.model.notIn(w.rng, live, r)
	key := simRowKey{table, id}
	var before map[string]Value
	if !asked.touched(key) {
		ts, err := r.db.Tombstone(w.ctx, table, id)
		if err != nil {
			w.t.Fatalf("%s: tombstone of %s %s: %v", r.name, table, id, err)
		}
		before = ts.Values
	}
	if err := tx.Restore(table, id); err != nil {
		return err
	}
	asked.restored[key] = before
	asked.back[key] = true
	live[table] = append(live[table], id)
	w.note("restore %s on %s", table, r.name) // ids hold the wall clock: not in the trace
	return nil
}

func (w *simWorld) pickRow(ids []RowID) RowID { return ids[w.rng.IntN(len(ids))] }

// pickTable picks a table that shows rows; households always do here.
func (w *simWorld) pickTable(live simLive) string {
	for {
		s := simTables[w.rng.IntN(len(simTables))]
		if len(live[s.Name]) > 0 {
			return s.Name
		}
	}
}

// scopeFor picks the commune of a new household: mostly one the writer is
// enrolled for, now and then one it is not (the server will refuse it).
func (w *simWorld) scopeFor(r *simReplica) string {
	if r.isServer() || w.rng.IntN(10) > 0 {
		if r.isServer() {
			return w.scopes[w.rng.IntN(len(w.scopes))]
		}
		return r.scopes[w.rng.IntN(len(r.scopes))]
	}
	var other []string
	for _, s := range append(w.scopes, "99999") {
		if !r.enrolled(s) {
			other = append(other, s)
		}
	}
	return other[w.rng.IntN(len(other))]
}

// valueColumns are a table's columns other than its scope or parent.
func valueColumns(s TableSpec) []string {
	var cols []string
	for _, c := range s.Columns {
		if c != s.ScopeColumn && c != s.ParentColumn {
			cols = append(cols, c)
		}
	}
	return cols
}

func (w *simWorld) insert(tx *Tx, r *simReplica, table string, parent RowID, live simLive, asked *simAsked) error {
	spec := simSpec(table)
	vals := map[string]any{}
	var scope string
	if spec.ScopeColumn != "" {
		scope = w.scopeFor(r)
		vals[spec.ScopeColumn] = scope
	} else {
		pk := simRowKey{spec.ParentTable, parent}
		var ok bool
		if scope, ok = asked.inserted[pk]; !ok {
			scope = w.model.scope[pk]
		}
		vals[spec.ParentColumn] = parent.String()
	}
	for _, col := range valueColumns(spec) {
		if w.rng.IntN(3) > 0 {
			vals[col] = w.value(simKindOf(table, col))
		}
	}
	id, err := tx.Insert(table, vals)
	if err != nil {
		return err
	}
	asked.inserted[simRowKey{table, id}] = scope
	asked.ask(table, id, vals)
	live[table] = append(live[table], id)
	return nil
}

func (w *simWorld) update(tx *Tx, table string, id RowID, live simLive, asked *simAsked) error {
	spec := simSpec(table)
	cols := valueColumns(spec)
	vals := map[string]any{}
	for i := 0; i < 1+w.rng.IntN(3); i++ {
		col := cols[w.rng.IntN(len(cols))]
		vals[col] = w.value(simKindOf(table, col))
	}
	if spec.ParentColumn != "" && len(live[spec.ParentTable]) > 0 && w.rng.IntN(8) == 0 {
		// move the row to another parent; one of another commune is refused
		vals[spec.ParentColumn] = w.pickRow(live[spec.ParentTable]).String()
	}
	if err := tx.Update(table, id, vals); err != nil {
		return err
	}
	asked.ask(table, id, vals)
	return nil
}

// badWrite asks for what the engine must refuse: to edit a row this
// replica does not show, to move a household to another commune, or to add
// a member to a household that does not exist. The transaction fails.
func (w *simWorld) badWrite(tx *Tx, live simLive) error {
	var err error
	switch w.rng.IntN(3) {
	case 0:
		table, id := w.model.notIn(w.rng, live, nil)
		err = tx.Update(table, id, map[string]any{valueColumns(simSpec(table))[0]: w.textValue()})
	case 1:
		err = tx.Update("sim_households", w.pickRow(live["sim_households"]), map[string]any{"commune": "01234"})
	default:
		_, err = tx.Insert("sim_members", map[string]any{"household_id": uuid.NewString(), "name": "Lò Văn Mồ Côi"})
	}
	if err == nil {
		w.t.Errorf("a bad write was taken")
		return errSimAbort
	}
	return err
}

// cellShown reads one cell of the domain table; shown is false if the row
// is not there.
func (w *simWorld) cellShown(r *simReplica, k simCellKey) (v Value, shown bool) {
	var x any
	err := r.db.SQL().QueryRowContext(w.ctx, "SELECT "+quote(k.col)+" FROM "+quote(k.table)+" WHERE id = ?", k.row.String()).Scan(&x)
	if errors.Is(err, sql.ErrNoRows) {
		return Value{}, false
	}
	if err != nil {
		w.t.Fatalf("%s: read %s.%s: %v", r.name, k.table, k.col, err)
	}
	if v, err = ValueOf(x); err != nil {
		w.t.Fatalf("%s: read %s.%s: %v", r.name, k.table, k.col, err)
	}
	return v, true
}
