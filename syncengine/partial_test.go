package syncengine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// reprojectAll projects every row of db whole again from its cell store,
// as a replica that learned its tables' columns does.
func reprojectAll(t testing.TB, db *DB) {
	t.Helper()
	for _, tb := range db.order {
		if err := db.reproject(context.Background(), tb, "projected:"+tb.Name, strings.Join(tb.Columns, ",")); err != nil {
			t.Fatalf("reproject %s: %v", tb.Name, err)
		}
	}
}

// checkProjection fails unless db's domain tables are what a whole
// reprojection from its cell store makes of them.
func checkProjection(t testing.TB, db *DB, what string) {
	t.Helper()
	before := dump(t, db)
	reprojectAll(t, db)
	if after := dump(t, db); after != before {
		t.Fatalf("%s: the domain tables differ from a reprojection of the cell store:\n%s\nreprojected:\n%s", what, before, after)
	}
}

// editWorld is laptops that edit a commune's rows offline and sync them
// through a server, in random steps from one seed.
type editWorld struct {
	t       *testing.T
	rnd     *rand.Rand
	server  *DB
	laptops []*DB
	pushed  []uint64 // each laptop's own sequence the server holds
	pulled  []uint64 // the server's log sequence each laptop has read
	rows    []rowKey // every row written anywhere
}

// TestPartialProjectionMatchesReprojection has laptops edit, delete and
// restore rows (one or two cells at a time, most often) and sync them
// through a server, pushes often grouped in one transaction; after every
// round, every replica's domain tables must be what a whole reprojection
// from its cell store gives, and at the end, what a replay of the
// server's log into an empty replica gives.
func TestPartialProjectionMatchesReprojection(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			w := &editWorld{t: t, rnd: rand.New(rand.NewPCG(seed, seed)), server: mustOpen(t, "server")}
			for i := range 3 {
				// Clocks minutes apart: a later write may lose to an
				// earlier one it did not see.
				cfg := testConfig()
				skew := time.Duration(i) * -3 * time.Minute
				cfg.Now = func() time.Time { return time.Now().Add(skew) }
				w.laptops = append(w.laptops, mustOpenPath(t, testSource(t, fmt.Sprintf("laptop%d", i)), cfg))
			}
			w.pushed, w.pulled = make([]uint64, 3), make([]uint64, 3)
			for round := range 25 {
				for range 12 {
					w.step(w.laptops[w.rnd.IntN(3)])
				}
				w.sync()
				for i, db := range append([]*DB{w.server}, w.laptops...) {
					checkProjection(t, db, fmt.Sprintf("seed %d, round %d, replica %d", seed, round, i))
				}
			}
			w.sync() // every laptop has every change
			replay := mustOpen(t, "replay")
			exchange(t, replay, w.server)
			if got, want := dump(t, w.server), dump(t, replay); got != want {
				t.Fatalf("seed %d: the server's domain tables differ from a replay of its log:\n%s\nreplay:\n%s", seed, got, want)
			}
			want := mustDigest(t, replay, "05362")
			for i, db := range append([]*DB{w.server}, w.laptops...) {
				if got := mustDigest(t, db, "05362"); got != want {
					t.Errorf("seed %d: replica %d's digest is %s, a replay's %s", seed, i, got, want)
				}
			}
		})
	}
}

// step does one random write on db; a write the row's state refuses
// (updating a deleted row, restoring a live one) is skipped.
func (w *editWorld) step(db *DB) {
	err := db.Write(context.Background(), func(tx *Tx) error {
		switch k := w.rnd.IntN(10); {
		case len(w.rows) < 4 || k < 2 && len(w.rows) < 8: // few rows, often edited
			return w.insert(tx)
		case k < 7:
			return w.update(tx)
		case k < 8:
			key := w.rows[w.rnd.IntN(len(w.rows))]
			return tx.Delete(key.table, key.id)
		default:
			key := w.rows[w.rnd.IntN(len(w.rows))]
			return tx.Restore(key.table, key.id)
		}
	})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrAlive) {
		w.t.Fatalf("write: %v", err)
	}
}

func (w *editWorld) insert(tx *Tx) error {
	var villages []rowKey
	for _, k := range w.rows {
		if k.table == "villages" {
			villages = append(villages, k)
		}
	}
	if len(villages) == 0 || w.rnd.IntN(2) == 0 {
		id, err := tx.Insert("villages", map[string]any{"commune": "05362", "name": w.value("name"), "size": w.value("size"), "area": w.value("area")})
		if err == nil {
			w.rows = append(w.rows, rowKey{"villages", id})
		}
		return err
	}
	parent := villages[w.rnd.IntN(len(villages))]
	id, err := tx.Insert("people", map[string]any{"village_id": parent.id.String(), "name": w.value("name"), "born": w.value("born"), "score": w.value("score")})
	if err == nil {
		w.rows = append(w.rows, rowKey{"people", id})
	}
	return err
}

// update writes one or two cells of a row, now and then three.
func (w *editWorld) update(tx *Tx) error {
	key := w.rows[w.rnd.IntN(len(w.rows))]
	cols := map[string][]string{"villages": {"name", "size", "area", "note"}, "people": {"name", "born", "score"}}[key.table]
	values := map[string]any{}
	for range 1 + w.rnd.IntN(2) + w.rnd.IntN(2) {
		col := cols[w.rnd.IntN(len(cols))]
		values[col] = w.value(col)
	}
	return tx.Update(key.table, key.id, values)
}

// value is a random value for col, sometimes none.
func (w *editWorld) value(col string) any {
	if w.rnd.IntN(8) == 0 {
		return nil
	}
	switch col {
	case "size", "born":
		return int64(w.rnd.IntN(100))
	case "area", "score":
		return float64(w.rnd.IntN(1000)) / 8
	}
	return fmt.Sprintf("%s %d", col, w.rnd.IntN(1000))
}

// sync pushes every laptop's new changes to the server, in one
// transaction for some laptops together, then each laptop pulls.
func (w *editWorld) sync() {
	ctx := context.Background()
	var group []Received
	var who []int
	flush := func() {
		for i, r := range w.server.ApplyReceivedGroup(ctx, group) {
			if r.Err != nil {
				w.t.Fatalf("push of laptop %d: %v", who[i], r.Err)
			}
		}
		group, who = nil, nil
	}
	for i, db := range w.laptops {
		var own []Change
		for _, c := range allChanges(w.t, db) {
			if c.Site == db.Site() && c.Seq > w.pushed[i] {
				own = append(own, c)
				w.pushed[i] = c.Seq
			}
		}
		group, who = append(group, Received{Changes: own}), append(who, i)
		if w.rnd.IntN(2) == 0 {
			flush()
		}
	}
	flush()
	for i, db := range w.laptops {
		changes, seqs, err := w.server.ReadLog(ctx, w.pulled[i], 1<<30)
		if err != nil {
			w.t.Fatal(err)
		}
		var page []Change
		for _, c := range changes {
			if c.Site != db.Site() {
				page = append(page, c)
			}
		}
		if _, err := db.ApplyPulled(ctx, page, "", Cursor{}); err != nil {
			w.t.Fatalf("pull of laptop %d: %v", i, err)
		}
		if len(seqs) > 0 {
			w.pulled[i] = seqs[len(seqs)-1]
		}
	}
}

// stored is a server holding one village written by site a: its
// existence then name, size and area, stamped from at on.
type stored struct {
	db   *DB
	a    SiteID
	row  RowID
	at   HLC
	next uint64 // a's next sequence number
}

func mustStored(t *testing.T) *stored {
	t.Helper()
	s := &stored{db: mustOpen(t, "server"), a: uuid.New(), row: uuid.Must(uuid.NewV7()), at: MakeHLC(1_700_000_000_000, 0), next: 1}
	batch := []Change{s.change("", Value{}, 1, 0)}
	for i, cv := range []struct {
		col string
		v   Value
	}{{"commune", Text("05362")}, {"name", Text("Bản Lác")}, {"size", Int(10)}, {"area", Real(2.5)}} {
		batch = append(batch, s.change(cv.col, cv.v, 1, HLC(i+1)))
	}
	if _, err := s.db.ApplyPush(context.Background(), batch, nil); err != nil {
		t.Fatalf("store the village: %v", err)
	}
	return s
}

// change is a's next change to the village: a cell write (or, with no
// column, its existence) at causal length cl, stamped at+d.
func (s *stored) change(col string, v Value, cl uint64, d HLC) Change {
	c := Change{Table: "villages", Row: s.row, Column: col, Value: v, CL: cl, Scope: "05362", Site: s.a, Seq: s.next, HLC: s.at + d}
	s.next++
	return c
}

// village is the village's domain row: name, size and area.
func (s *stored) village(t *testing.T) string {
	t.Helper()
	return dumpQuery(t, s.db.SQL(), "village", fmt.Sprintf("SELECT name, size, area FROM villages WHERE id = '%s'", s.row))
}

// TestPartialReadsWhatLaterChangesNeed checks the cases where a
// transaction has read only some cells of a row (the columns a batch
// edits) and something later in it needs others: a second batch of the
// same transaction, a vetter, a delete and restore, a local transaction
// that edits, deletes and restores, and an edit of a row whose domain row
// went missing.
func TestPartialReadsWhatLaterChangesNeed(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		// run acts on the stored village and returns the domain row it
		// expects (as village renders it) from a store of s's changes.
		run func(t *testing.T, s *stored) (want string)
	}{
		{"a second batch writes a column the first did not read, and loses", func(t *testing.T, s *stored) string {
			b := uuid.New()
			first := []Change{s.change("name", Text("Bản Mới"), 1, 10)}
			// b wrote size before a did (stamped earlier): a's size wins.
			second := []Change{{Table: "villages", Row: s.row, Column: "size", Value: Int(99), CL: 1, Scope: "05362", Site: b, Seq: 1, HLC: s.at + 2}}
			for _, r := range s.db.ApplyReceivedGroup(ctx, []Received{{Changes: first}, {Changes: second}}) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			return "village []interface {}{\"Bản Mới\", 10, 2.5}\n"
		}},
		{"a vetter reads a column the batch does not write", func(t *testing.T, s *stored) string {
			var seen HLC
			vet := func(c *Change, rows RowReader) (*Rejection, error) {
				h, _, err := rows.Cell("villages", s.row, "size")
				seen = h
				return nil, err
			}
			if _, err := s.db.ApplyPush(ctx, []Change{s.change("name", Text("Bản Mới"), 1, 10)}, vet); err != nil {
				t.Fatal(err)
			}
			if seen != s.at+3 {
				t.Errorf("the vetter read size stamped %d; want %d", seen, s.at+3)
			}
			return "village []interface {}{\"Bản Mới\", 10, 2.5}\n"
		}},
		{"an edit, then a delete and restore in a later batch", func(t *testing.T, s *stored) string {
			first := []Change{s.change("name", Text("Bản Mới"), 1, 10)}
			second := []Change{s.change("", Value{}, 2, 11), s.change("", Value{}, 3, 12), s.change("area", Real(4), 3, 13)}
			for _, r := range s.db.ApplyReceivedGroup(ctx, []Received{{Changes: first}, {Changes: second}}) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			// The restored life shows only what was written in it.
			return "village []interface {}{interface {}(nil), interface {}(nil), 4}\n"
		}},
		{"a delete and restore with no cell", func(t *testing.T, s *stored) string {
			if _, err := s.db.ApplyPush(ctx, []Change{s.change("", Value{}, 2, 10), s.change("", Value{}, 3, 11)}, nil); err != nil {
				t.Fatal(err)
			}
			return "village []interface {}{interface {}(nil), interface {}(nil), interface {}(nil)}\n"
		}},
		{"a late edit of an earlier life", func(t *testing.T, s *stored) string {
			if _, err := s.db.ApplyPush(ctx, []Change{s.change("", Value{}, 2, 10), s.change("", Value{}, 3, 11), s.change("name", Text("Bản Mới"), 3, 12)}, nil); err != nil {
				t.Fatal(err)
			}
			// Written by someone who had not seen the delete: it wins its
			// cell, in a life the row no longer shows.
			b := uuid.New()
			late := []Change{{Table: "villages", Row: s.row, Column: "size", Value: Int(99), CL: 1, Scope: "05362", Site: b, Seq: 1, HLC: s.at + 20}}
			if _, err := s.db.ApplyPush(ctx, late, nil); err != nil {
				t.Fatal(err)
			}
			return "village []interface {}{\"Bản Mới\", interface {}(nil), interface {}(nil)}\n"
		}},
		{"a local edit, delete and restore in one transaction", func(t *testing.T, s *stored) string {
			mustWrite(t, s.db, func(tx *Tx) error {
				if err := tx.Update("villages", s.row, map[string]any{"name": "Bản Mới"}); err != nil {
					return err
				}
				if err := tx.Delete("villages", s.row); err != nil {
					return err
				}
				return tx.Restore("villages", s.row)
			})
			return "village []interface {}{\"Bản Mới\", 10, 2.5}\n"
		}},
		{"two local edits of other columns in one transaction", func(t *testing.T, s *stored) string {
			mustWrite(t, s.db, func(tx *Tx) error {
				if err := tx.Update("villages", s.row, map[string]any{"name": "Bản Mới"}); err != nil {
					return err
				}
				return tx.Update("villages", s.row, map[string]any{"size": int64(11)})
			})
			log := allChanges(t, s.db)
			if last := log[len(log)-1]; last.Column != "size" || last.Base != s.at+3 {
				t.Errorf("the edit of size is %s based on %d; want size based on %d", last.Column, last.Base, s.at+3)
			}
			return "village []interface {}{\"Bản Mới\", 11, 2.5}\n"
		}},
		{"an edit of a row whose domain row is missing", func(t *testing.T, s *stored) string {
			mustWrite(t, s.db, func(tx *Tx) error {
				_, err := tx.m.tx.ExecContext(ctx, `DELETE FROM villages WHERE id = ?`, s.row.String())
				return err
			})
			if _, err := s.db.ApplyPush(ctx, []Change{s.change("name", Text("Bản Mới"), 1, 10)}, nil); err != nil {
				t.Fatal(err)
			}
			return "village []interface {}{\"Bản Mới\", 10, 2.5}\n"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustStored(t)
			want := tc.run(t, s)
			if got := s.village(t); got != want {
				t.Errorf("the village is\n%s; want\n%s", got, want)
			}
			checkProjection(t, s.db, tc.name)
		})
	}
}
