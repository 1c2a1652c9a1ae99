package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// field is a district in miniature for clock repair: a server replica and
// laptops that push to it and pull from it as the client does, each with a
// wall clock the test sets. The server refuses changes stamped more than
// skew ahead of its clock that the write rule does not explain, as
// hodan-server does (StampAhead).
type field struct {
	t     *testing.T
	srv   *DB
	wall  *fixedClock // the true time, and the server's clock unless srvAhead
	walls map[*DB]*fixedClock
	// srvAhead is how far the server's clock is ahead of the true time.
	srvAhead time.Duration
}

const (
	fieldScope = "05362"
	fieldSkew  = 10 * time.Minute
)

func newField(t *testing.T) *field {
	f := &field{t: t, wall: &fixedClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}, walls: map[*DB]*fixedClock{}}
	f.srv = f.open("server")
	return f
}

// open opens a replica whose wall clock starts at the true time.
func (f *field) open(name string) *DB {
	f.t.Helper()
	wall := &fixedClock{t: f.wall.t}
	cfg := testConfig()
	cfg.Now = wall.now
	db := mustOpenPath(f.t, filepath.Join(f.t.TempDir(), name+".db"), cfg)
	f.walls[db] = wall
	return db
}

// at moves the true time, and every clock but those set wrong, to d after
// the start.
func (f *field) at(d time.Duration, wrong ...*DB) {
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	f.wall.t = start.Add(d)
	for db, w := range f.walls {
		if !containsDB(wrong, db) {
			w.t = f.wall.t
		}
	}
}

func containsDB(dbs []*DB, db *DB) bool {
	for _, d := range dbs {
		if d == db {
			return true
		}
	}
	return false
}

// held is how far the server holds dev's changes.
func (f *field) held(dev *DB) uint64 {
	f.t.Helper()
	vv, err := f.srv.Versions(context.Background(), dev.Site())
	if err != nil {
		f.t.Fatal(err)
	}
	return vv[dev.Site()]
}

// horizon is the latest stamp the server accepts now without the write
// rule explaining it.
func (f *field) horizon() HLC {
	return MakeHLC(f.wall.t.Add(f.srvAhead+fieldSkew).UnixMilli(), 1<<hlcCounterBits-1)
}

// push sends dev's changes the server lacks and records the answer.
func (f *field) push(dev *DB) PushResult {
	f.t.Helper()
	ctx := context.Background()
	pending, err := dev.Pending(ctx, dev.Site(), f.held(dev), 1<<20)
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := f.srv.ApplyPush(ctx, pending, f.vetter())
	if err != nil {
		f.t.Fatalf("push: %v", err)
	}
	if err := dev.RecordPushed(ctx, res.Rejected, f.held(dev)); err != nil {
		f.t.Fatal(err)
	}
	return res
}

// vetter refuses what the server refuses for its clock now.
func (f *field) vetter() Vetter {
	horizon := f.horizon()
	return func(c *Change, rows RowReader) (*Rejection, error) {
		if ahead, err := StampAhead(c, horizon, rows); err != nil || ahead {
			return &Rejection{Code: CodeClockSkew, Message: "stamped ahead of the server"}, err
		}
		return nil, nil
	}
}

// pull gives dev the server's changes after its cursor.
func (f *field) pull(dev *DB) {
	f.t.Helper()
	ctx := context.Background()
	_, cur, err := dev.PullCursor(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	page, err := f.srv.ReadPull(ctx, PullQuery{Incarnation: f.srv.Incarnation(), After: cur, Scopes: []string{fieldScope},
		Exclude: dev.Site(), Limit: 1 << 20})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := dev.ApplyPulled(ctx, page.Changes, f.srv.Incarnation(), page.Next); err != nil {
		f.t.Fatalf("pull: %v", err)
	}
}

func update(t *testing.T, db *DB, table string, id RowID, values map[string]any) {
	t.Helper()
	mustWrite(t, db, func(tx *Tx) error { return tx.Update(table, id, values) })
}

// A laptop whose clock ran three days ahead records edits, some of them
// concurrent with a colleague's; the clock is set right and the changes
// waiting are re-stamped. Every store of stamps stays consistent, no cell
// changes winner, and the next push is accepted whole and converges.
func TestRestampAfterClockRanAhead(t *testing.T) {
	ctx := context.Background()
	f := newField(t)
	a, b := f.open("a"), f.open("b")
	v := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0", "note": "n0"})
	f.push(a)
	f.pull(b)

	f.at(time.Minute)
	update(t, a, "villages", v, map[string]any{"size": 1}) // waiting, stamped right: keeps its stamp
	f.at(2 * time.Minute)
	update(t, b, "villages", v, map[string]any{"area": 2.5, "note": "b-note"})
	f.push(b)
	f.pull(a)

	f.at(3*time.Minute, a)
	f.walls[a].t = f.wall.t.Add(72 * time.Hour)
	update(t, a, "villages", v, map[string]any{"name": "a1"})
	update(t, a, "villages", v, map[string]any{"name": "a2", "note": "a-note"}) // bases: a1 and b-note
	p := mustInsert(t, a, "people", map[string]any{"village_id": v.String(), "name": "Lò Thị Mai"})
	w := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "gone"})
	mustWrite(t, a, func(tx *Tx) error { return tx.Delete("villages", w) })

	f.at(4*time.Minute, a)
	update(t, b, "villages", v, map[string]any{"size": 9, "name": "b-name"}) // size beats a's 1; a2 beats b-name
	f.push(b)
	f.pull(a)
	f.at(10 * time.Minute) // a's clock is set right
	before := dump(t, a)
	oldLast := a.Clock().Last()
	ahead := 0
	for _, c := range allChanges(t, a) {
		if c.Site == a.Site() && c.HLC.Time().After(f.wall.t) {
			ahead++
		}
	}
	res, err := a.Restamp(ctx, f.held(a), f.horizon())
	if err != nil {
		t.Fatalf("restamp: %v", err)
	}
	if res.Restamped != ahead || res.NewLatest >= res.OldLatest || res.NewLatest > f.horizon() {
		t.Fatalf("restamp: %+v; want %d changes brought back under %v", res, ahead, f.horizon())
	}
	if got := dump(t, a); got != before {
		t.Fatalf("re-stamping changed the data:\nbefore:\n%s\nafter:\n%s", before, got)
	}
	assertConsistent(t, a)
	reopened := mustOpenPath(t, a.Path(), testConfig())
	if got := reopened.Clock().Last(); got != res.NewLatest || got >= oldLast {
		t.Fatalf("persisted high-water mark %v, want lowered from %v to %v", got, oldLast, res.NewLatest)
	}
	reopened.Close()

	if pr := f.push(a); len(pr.Rejected) != 0 || pr.Applied == 0 {
		t.Fatalf("push after repair: %+v", pr)
	}
	f.pull(a)
	f.pull(b)
	assertConvergedWith(t, f.srv, a, b)
	for col, want := range map[string]any{"name": "a2", "note": "a-note", "size": int64(9), "area": 2.5} {
		if got := column(t, b, "villages", v, col); got != want {
			t.Errorf("b sees %s = %v, want %v", col, got, want)
		}
	}
	if got := column(t, b, "people", p, "name"); got != "Lò Thị Mai" {
		t.Errorf("b sees the person's name %v", got)
	}

	f.at(11 * time.Minute) // a later edit beats the re-stamped ones everywhere
	update(t, b, "villages", v, map[string]any{"name": "b-later"})
	update(t, a, "villages", v, map[string]any{"note": "a-later"})
	f.push(b)
	f.push(a)
	f.pull(a)
	f.pull(b)
	assertConvergedWith(t, f.srv, a, b)
	if got := column(t, a, "villages", v, "name"); got != "b-later" {
		t.Errorf("a sees name %v, want the later edit", got)
	}
}

// TestRestampRefuses covers the refusals: nothing waiting, nothing waiting
// stamped ahead, and a wall clock still so far ahead that the new stamps
// would be past the server's horizon. A refusal changes nothing.
func TestRestampRefuses(t *testing.T) {
	ctx := context.Background()
	f := newField(t)
	a := f.open("a")
	if _, err := a.Restamp(ctx, 0, 0); !errors.Is(err, ErrNothingToRepair) {
		t.Fatalf("an empty laptop: err = %v, want ErrNothingToRepair", err)
	}
	v := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0"})
	if _, err := a.Restamp(ctx, 0, f.horizon()); !errors.Is(err, ErrNothingToRepair) {
		t.Fatalf("changes stamped right: err = %v, want ErrNothingToRepair", err)
	}
	f.push(a)
	if _, err := a.Restamp(ctx, f.held(a), f.horizon()); !errors.Is(err, ErrNothingToRepair) {
		t.Fatalf("everything sent: err = %v, want ErrNothingToRepair", err)
	}

	f.walls[a].t = f.wall.t.Add(48 * time.Hour)
	update(t, a, "villages", v, map[string]any{"note": "ahead"})
	f.walls[a].t = f.wall.t.Add(5 * time.Hour) // set back, but not right
	before := snapshot(t, a)
	_, err := a.Restamp(ctx, f.held(a), f.horizon())
	if !errors.Is(err, ErrClockStillAhead) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("the wall clock still 5 hours ahead: err = %v, want ErrClockStillAhead", err)
	}
	if got := snapshot(t, a); got != before {
		t.Fatal("a refused re-stamp changed the database")
	}
}

// A change already sent, stamped ahead and refused by the server, is not
// followed by the repair (it used to be its floor, and the repair could
// never succeed): the changes waiting get stamps from the wall clock, and
// are accepted.
func TestRestampPassesRefusedStampsAhead(t *testing.T) {
	ctx := context.Background()
	f := newField(t)
	a := f.open("a")
	v := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0"})
	f.push(a)
	f.walls[a].t = f.wall.t.Add(48 * time.Hour)
	update(t, a, "villages", v, map[string]any{"name": "ahead"})
	if pr := f.push(a); len(pr.Rejected) != 1 { // refused, and so acknowledged: its stamp stays
		t.Fatalf("push of a change stamped two days ahead: %+v", pr)
	}
	update(t, a, "villages", v, map[string]any{"note": "ahead too", "size": 7})
	f.walls[a].t = f.wall.t
	// The server is told to hold none of them (as if restored from an
	// older copy): the push recorded that the refused one was acknowledged,
	// and it keeps its stamp.
	res, err := a.Restamp(ctx, 0, f.horizon())
	if err != nil || res.Restamped != 2 || res.NewLatest > f.horizon() {
		t.Fatalf("restamp: %+v, %v; want the changes waiting brought under %v", res, err, f.horizon())
	}
	if _, err := a.Restamp(ctx, f.held(a), f.horizon()); !errors.Is(err, ErrNothingToRepair) {
		t.Fatalf("a second repair: %v", err)
	}
	assertLogConsistent(t, a)
	assertOwnCellStampsIncrease(t, a)
	if pr := f.push(a); len(pr.Rejected) != 0 || pr.Applied != 2 {
		t.Fatalf("push after repair: %+v", pr)
	}
	for col, want := range map[string]any{"note": "ahead too", "size": int64(7)} {
		if got := column(t, f.srv, "villages", v, col); got != want {
			t.Errorf("the server has %s = %v, want %v", col, got, want)
		}
	}
}

// assertOwnCellStampsIncrease checks that each of the replica's own
// changes is stamped after every earlier one of the same cell: a later
// edit of this writer always wins over its earlier one.
func assertOwnCellStampsIncrease(t testing.TB, db *DB) {
	t.Helper()
	type cell struct {
		table, col string
		row        RowID
	}
	last := map[cell]Change{}
	for _, c := range allChanges(t, db) {
		k := cell{c.Table, c.Column, c.Row}
		if p, ok := last[k]; ok && c.Site == db.Site() && c.HLC <= p.HLC {
			t.Fatalf("change #%d of %s.%s stamped %v after #%d stamped %v", c.Seq, c.Table, c.Column, c.HLC, p.Seq, p.HLC)
		}
		if c.Site == db.Site() {
			last[k] = c
		}
	}
}

// laptopAhead is a field with a laptop a whose clock runs three days
// ahead, and a village it recorded.
func laptopAhead(t *testing.T) (*field, *DB, RowID) {
	t.Helper()
	f := newField(t)
	a := f.open("a")
	f.walls[a].t = f.wall.t.Add(72 * time.Hour)
	return f, a, mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0"})
}

// A re-stamp that fails at its last step, as it records the new high-water
// mark, leaves the database exactly as it was; once the fault is gone it
// succeeds.
func TestRestampIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	f, a, v := laptopAhead(t)
	b := f.open("b")
	mustInsert(t, b, "villages", map[string]any{"commune": fieldScope, "name": "b"})
	f.push(b)
	f.pull(a) // b's change lands after a's in a's log: the chain is rewritten past it
	update(t, a, "villages", v, map[string]any{"name": "v1"})
	f.walls[a].t = f.wall.t

	exec := func(q string) {
		t.Helper()
		if err := a.Exec(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(q); return err }); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TRIGGER fault BEFORE UPDATE ON sync_meta WHEN NEW.key = 'hlc' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
	before := snapshot(t, a)
	if _, err := a.Restamp(ctx, 0, f.horizon()); err == nil || !strings.Contains(err.Error(), "injected fault") {
		t.Fatalf("restamp with a fault: err = %v", err)
	}
	if got := snapshot(t, a); got != before {
		t.Fatalf("a failed re-stamp left changes:\nbefore:\n%s\nafter:\n%s", before, got)
	}
	exec(`DROP TRIGGER fault`)
	if _, err := a.Restamp(ctx, 0, f.horizon()); err != nil {
		t.Fatalf("restamp: %v", err)
	}
	assertConsistent(t, a)
}

// Another process with the database open while the clock is repaired (a
// sync running, the officer editing) must not stamp ahead again from the
// high-water mark it read before.
func TestRestampSeenByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	f, a, v := laptopAhead(t)
	cfg := testConfig()
	cfg.Now = f.wall.now
	editor := mustOpenPath(t, a.Path(), cfg) // opened while the high-water mark is ahead
	f.walls[a].t = f.wall.t
	if _, err := a.Restamp(ctx, 0, f.horizon()); err != nil {
		t.Fatal(err)
	}
	update(t, editor, "villages", v, map[string]any{"name": "v1"})
	changes := allChanges(t, editor)
	if last := changes[len(changes)-1]; last.HLC > f.horizon() {
		t.Fatalf("the other process stamped %v after the repair, ahead of the server's horizon %v", last.HLC, f.horizon())
	}
	assertConsistent(t, a)
	if pr := f.push(a); len(pr.Rejected) != 0 {
		t.Fatalf("push after repair: %+v", pr)
	}
}

// Re-stamping past the 65,536th stamp of a millisecond carries the counter
// into the milliseconds and keeps the changes' order. The millisecond is
// nearly used up already, by a change received from a replica that wrote
// 65,531 changes in it.
func TestRestampCarriesIntoTheNextMillisecond(t *testing.T) {
	ctx := context.Background()
	f, a, v := laptopAhead(t)
	for i := 1; i <= 10; i++ {
		update(t, a, "villages", v, map[string]any{"size": i})
	}
	busy := Change{Table: "villages", Row: newUUID(), CL: 1, Scope: fieldScope, Site: newUUID(), Seq: 1,
		HLC: MakeHLC(f.wall.t.UnixMilli(), 65530)}
	if _, err := f.srv.ApplyPush(ctx, []Change{busy}, nil); err != nil {
		t.Fatal(err)
	}
	f.pull(a)
	f.walls[a].t = f.wall.t // frozen at the busy millisecond
	res, err := a.Restamp(ctx, 0, f.horizon())
	if err != nil {
		t.Fatal(err)
	}
	if want := MakeHLC(f.wall.t.UnixMilli()+1, uint16(res.Restamped-6)); res.Restamped != 13 || res.NewLatest != want {
		t.Fatalf("restamp: %+v; want 13 changes, the last stamped %v", res, want)
	}
	assertConsistent(t, a)
	if pr := f.push(a); len(pr.Rejected) != 0 {
		t.Fatalf("push after repair: %+v", pr)
	}
	if got := column(t, f.srv, "villages", v, "size"); got != int64(10) {
		t.Fatalf("the server has size %v, want the last write, 10", got)
	}
	assertConvergedWith(t, f.srv, a)
}

// assertConsistent checks everything that holds a stamp against the log:
// SQLite's integrity, own stamps increasing, bases naming a change of the
// same cell, the chain hashes, and the cells (a replay of the log into an
// empty replica gives the same digest).
func assertConsistent(t *testing.T, db *DB) {
	t.Helper()
	assertOwnStampsIncrease(t, db)
	assertLogConsistent(t, db)
}

// assertLogConsistent is assertConsistent without the order of own
// stamps, for a replica whose repair passed a stamp it issued ahead and
// the server refused: its own stamps increase cell by cell only
// (assertOwnCellStampsIncrease).
func assertLogConsistent(t *testing.T, db *DB) {
	t.Helper()
	var ok string
	if err := db.SQL().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q, %v", ok, err)
	}
	changes := allChanges(t, db)
	type cell struct {
		table, col string
		row        RowID
		hlc        HLC
	}
	written := map[cell]bool{}
	for _, c := range changes {
		written[cell{c.Table, c.Column, c.Row, c.HLC}] = true
	}
	for _, c := range changes {
		if c.Base != 0 && !written[cell{c.Table, c.Column, c.Row, c.Base}] {
			t.Fatalf("change %s #%d has base %v, which no change of %s.%s has", c.Site, c.Seq, c.Base, c.Table, c.Column)
		}
	}
	assertChain(t, db)
	mustCheckContested(t, db) // a rewrite keeps the index of contested cells and the cells' entries
	replay := mustOpen(t, "replay")
	exchange(t, replay, db)
	if mustDigest(t, replay, "") != mustDigest(t, db, "") {
		t.Fatal("a replay of the log differs from the replica: its cells do not match its log")
	}
}

// assertChain recomputes the log's chain hashes from the start.
func assertChain(t *testing.T, db *DB) {
	t.Helper()
	if err := checkChain(db); err != nil {
		t.Fatal(err)
	}
}

// checkChain recomputes the log's chain hashes from the start and returns
// the first that differs.
func checkChain(db *DB) error {
	entries, err := db.AuditLog(context.Background(), 0, 1<<30)
	if err != nil {
		return err
	}
	var chain Hash
	for i, e := range entries {
		var receipt Hash
		if e.Batch != 0 {
			r, err := db.Receipt(context.Background(), e.Batch)
			if err != nil {
				return err
			}
			receipt = r.Hash()
		}
		chain = EntryHash(chain, uint64(i+1), e.Change.Hash(), receipt)
		if e.Seq != uint64(i+1) || chain != e.Chain {
			return fmt.Errorf("log entry #%d (at %d): chain %s, recomputed %s", e.Seq, i+1, e.Chain, chain)
		}
	}
	return nil
}

func assertConvergedWith(t *testing.T, srv *DB, replicas ...*DB) {
	t.Helper()
	want := mustDigest(t, srv, fieldScope)
	for _, db := range replicas {
		if got := mustDigest(t, db, fieldScope); got != want {
			t.Fatalf("%s: digest %s, the server's %s", filepath.Base(db.Path()), got, want)
		}
	}
}

// column reads one column of one row of a domain table.
func column(t *testing.T, db *DB, table string, id RowID, col string) any {
	t.Helper()
	var v any
	if err := db.SQL().QueryRow(fmt.Sprintf(`SELECT %s FROM %s WHERE id = ?`, quote(col), quote(table)), id.String()).Scan(&v); err != nil {
		t.Fatalf("read %s.%s: %v", table, col, err)
	}
	return v
}

// snapshot renders every table the engine keeps, for comparing before and
// after.
func snapshot(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT seq, hex(chain), origin, origin_seq, tbl, hex(row_id), col, quote(val), hlc, base, cl, scope FROM sync_log ORDER BY seq`,
		`SELECT tbl, hex(row_id), col, quote(val), hlc, site, cl FROM sync_cells ORDER BY tbl, row_id, col`,
		`SELECT tbl, hex(row_id), scope, cl FROM sync_rows ORDER BY tbl, row_id`,
		`SELECT key, quote(value) FROM sync_meta ORDER BY key`,
		`SELECT origin, origin_seq, code, change FROM sync_rejected ORDER BY origin, origin_seq`,
	} {
		cols := q[len("SELECT "):strings.Index(q, " FROM ")]
		var rows string
		err := db.SQL().QueryRow(`SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT concat_ws(' ', ` + cols + `) AS r ` +
			q[strings.Index(q, " FROM "):] + `)`).Scan(&rows)
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		b.WriteString(rows + "\n")
	}
	return b.String()
}

// A change a laptop wrote with its clock three days ahead, without seeing
// a colleague's edit of the same field stamped a day ahead (accepted by a
// server whose clock ran as far), won by its wrong stamp. Re-stamped from
// the corrected clock, it comes before the colleague's: the cell is merged
// again from the log, and the laptop shows, and sends, what every replica
// holds.
func TestRestampMergesTheCellsAgain(t *testing.T) {
	ctx := context.Background()
	f := newField(t)
	a, b := f.open("a"), f.open("b")
	v := mustInsert(t, a, "villages", map[string]any{"commune": fieldScope, "name": "v0"})
	f.push(a)
	f.pull(b)
	f.walls[a].t = f.wall.t.Add(72 * time.Hour)
	update(t, a, "villages", v, map[string]any{"name": "a, three days ahead"})
	f.srvAhead, f.walls[b].t = 24*time.Hour, f.wall.t.Add(24*time.Hour)
	update(t, b, "villages", v, map[string]any{"name": "b, a day ahead"})
	if pr := f.push(b); len(pr.Rejected) != 0 {
		t.Fatalf("push of b's edit to a server a day ahead: %+v", pr)
	}
	f.srvAhead = 0
	f.at(time.Minute)
	f.pull(a)
	if got := column(t, a, "villages", v, "name"); got != "a, three days ahead" {
		t.Fatalf("before the repair a shows %v", got)
	}
	if _, err := a.Restamp(ctx, f.held(a), f.horizon()); err != nil {
		t.Fatal(err)
	}
	assertConsistent(t, a)
	if got := column(t, a, "villages", v, "name"); got != "b, a day ahead" {
		t.Fatalf("after the repair a shows %v, want b's edit, now the later", got)
	}
	if pr := f.push(a); len(pr.Rejected) != 0 {
		t.Fatalf("push after repair: %+v", pr)
	}
	f.pull(b)
	assertConvergedWith(t, f.srv, a, b)
}
