package syncengine

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// orphanScene has a delete a village on one replica while b adds a person
// to it and edits one who lived there; each has seen the other's changes
// afterwards. It returns the replicas, the village and the new person.
func orphanScene(t *testing.T) (a, b *DB, village, orphan RowID) {
	t.Helper()
	a, b = mustOpen(t, "a"), mustOpen(t, "b")
	village = mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": int64(40)})
	known := mustInsert(t, a, "people", map[string]any{"village_id": village.String(), "name": "Bùi Văn Thao"})
	exchange(t, b, a)
	mustWrite(t, a, func(tx *Tx) error { return tx.Delete("villages", village) })
	orphan = mustInsert(t, b, "people", map[string]any{"village_id": village.String(), "name": "Lò Thị Mai"})
	mustWrite(t, b, func(tx *Tx) error { return tx.Update("people", known, map[string]any{"born": int64(1975)}) })
	exchange(t, a, b)
	exchange(t, b, a)
	return a, b, village, orphan
}

func mustOrphans(t *testing.T, db *DB, scopes ...string) []Orphan {
	t.Helper()
	found, err := db.Orphans(context.Background(), scopes)
	if err != nil {
		t.Fatalf("orphans: %v", err)
	}
	return found
}

func TestOrphansListLiveChildrenOfADeletedParent(t *testing.T) {
	a, b, village, orphan := orphanScene(t)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		found := mustOrphans(t, db)
		if len(found) != 1 {
			t.Fatalf("%s lists %d orphans, want the new person only: %+v", name, len(found), found)
		}
		o := found[0]
		if o.ID != OrphanID("people", orphan) || o.Table != "people" || o.Row != orphan || o.Scope != "05362" {
			t.Errorf("%s: orphan %+v", name, o)
		}
		p := o.Parent
		if p.Table != "villages" || p.Row != village || p.CL != 2 || p.DeletedBy != a.Site() || p.DeletedAt == 0 ||
			!p.Values["name"].Equal(Text("Bản Lác")) || !p.Values["size"].Equal(Int(40)) {
			t.Errorf("%s: parent %+v; want the deleted village, its last values and a's delete", name, p)
		}
		if got := mustOrphans(t, db, "02008"); len(got) != 0 {
			t.Errorf("%s lists orphans of another commune: %+v", name, got)
		}
	}
}

// Orphans are a function of the changes held: replicas that received the
// same changes in other orders and batches list the same ones.
func TestOrphansAreTheSameWhateverTheOrder(t *testing.T) {
	a, b, _, _ := orphanScene(t)
	c := mustOpen(t, "c")
	exchange(t, c, b)
	v2 := mustInsert(t, c, "villages", map[string]any{"commune": "02008", "name": "Nà Hin"})
	exchange(t, a, c)
	mustWrite(t, a, func(tx *Tx) error { return tx.Delete("villages", v2) })
	mustInsert(t, c, "people", map[string]any{"village_id": v2.String(), "name": "Hà Văn Tú"})
	var all []Change
	for _, db := range []*DB{a, b, c} {
		all = append(all, allChanges(t, db)...)
	}
	forward, backward := mustOpen(t, "forward"), mustOpen(t, "backward")
	for i := 0; i < len(all); i += 3 {
		apply(t, forward, all[i:min(i+3, len(all))])
	}
	reversed := slices.Clone(all)
	slices.Reverse(reversed)
	apply(t, backward, reversed)
	want := mustOrphans(t, forward)
	if len(want) != 2 {
		t.Fatalf("%d orphans, want one in each commune: %+v", len(want), want)
	}
	if got := mustOrphans(t, backward); !reflect.DeepEqual(got, want) {
		t.Errorf("the other order lists\n%+v\nwant\n%+v", got, want)
	}
}

func apply(t *testing.T, db *DB, changes []Change) {
	t.Helper()
	if _, err := db.ApplyPulled(context.Background(), changes, "", Cursor{}); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

// A row whose parent this replica never heard of, or whose link is empty,
// is an orphan too: every live child is under a live parent or listed.
func TestOrphansWithAParentNeverSeen(t *testing.T) {
	db := mustOpen(t, "a")
	other := mustOpen(t, "other")
	unknown, empty := newUUID(), newUUID()
	changes := []Change{
		{Site: other.Site(), Seq: 1, HLC: 1 << 20, Table: "people", Row: unknown, CL: 1, Scope: "05362"},
		{Site: other.Site(), Seq: 2, HLC: 2 << 20, Table: "people", Row: unknown, Column: "village_id", Value: Text(newUUID().String()), CL: 1, Scope: "05362"},
		{Site: other.Site(), Seq: 3, HLC: 3 << 20, Table: "people", Row: empty, CL: 1, Scope: "05362"},
	}
	apply(t, db, changes)
	found := map[RowID]Tombstone{}
	for _, o := range mustOrphans(t, db) {
		found[o.Row] = o.Parent
	}
	if len(found) != 2 {
		t.Fatalf("orphans %+v; want both rows", found)
	}
	if p := found[unknown]; p.CL != 0 || p.Row == (RowID{}) || len(p.Values) != 0 {
		t.Errorf("a parent never seen is %+v", p)
	}
	if p, ok := found[empty]; !ok || p.CL != 0 || p.Row != (RowID{}) {
		t.Errorf("the parent of an empty link is %+v", p)
	}
}

func TestRestoreBringsBackTheLastLife(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": int64(40), "note": "cũ"})
	p := mustInsert(t, db, "people", map[string]any{"village_id": v.String(), "name": "Bùi Văn Thao"})
	mustWrite(t, db, func(tx *Tx) error {
		return tx.Update("villages", v, map[string]any{"name": "Bản Lác Mới", "note": nil})
	})
	before := dump(t, db)
	late := mustOpen(t, "late") // a replica that has not heard of the delete
	exchange(t, late, db)
	mustWrite(t, db, func(tx *Tx) error { return tx.Delete("villages", v) })
	mustWrite(t, db, func(tx *Tx) error { return tx.Restore("villages", v) })
	want := "villages []interface {}{\"" + v.String() + "\", \"05362\", \"Bản Lác Mới\", 40, interface {}(nil), interface {}(nil)}\n"
	if got := dump(t, db); got != want {
		t.Errorf("after the restore:\n%swant (the person deleted with it stays deleted):\n%s\nbefore the delete:\n%s", got, want, before)
	}
	changes := allChanges(t, db)
	restored := changes[len(changes)-4:]
	for i, col := range []string{"", "commune", "name", "size"} {
		if c := restored[i]; c.Column != col || c.CL != 3 || c.Base != 0 {
			t.Errorf("restore change %d: %+v; want %q at causal length 3", i, c, col)
		}
	}

	// A late edit from an earlier life, which the restored life never
	// showed, stays out of the next one too: only the last life comes back.
	mustWrite(t, late, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"area": 2.5}) })
	exchange(t, db, late)
	mustWrite(t, db, func(tx *Tx) error { return tx.Delete("villages", v) })
	mustWrite(t, db, func(tx *Tx) error { return tx.Restore("villages", v) })
	var area any
	if err := db.SQL().QueryRow(`SELECT area FROM villages WHERE id = ?`, v.String()).Scan(&area); err != nil || area != nil {
		t.Errorf("area after the second restore: %v (%v); the late edit of an earlier life came back", area, err)
	}
	mustWrite(t, db, func(tx *Tx) error { return tx.Restore("people", p) })
	if rows := dump(t, db); !strings.Contains(rows, "people []") {
		t.Errorf("the person restored under the live village is not shown:\n%s", rows)
	}
}

func TestRestoreRefusals(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	p := mustInsert(t, db, "people", map[string]any{"village_id": v.String(), "name": "Bùi Văn Thao"})
	mustWrite(t, db, func(tx *Tx) error { return tx.Delete("villages", v) })
	alive := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Nà Hin"})
	tests := []struct {
		name  string
		table string
		id    RowID
		want  error
	}{
		{"alive", "villages", alive, ErrAlive},
		{"never held", "villages", newUUID(), ErrNotFound},
		{"parent deleted", "people", p, ErrNotFound},
		{"unknown table", "nope", v, ErrUnknownTable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(allChanges(t, db))
			err := db.Write(context.Background(), func(tx *Tx) error { return tx.Restore(tc.table, tc.id) })
			if !errors.Is(err, tc.want) {
				t.Errorf("restore: %v, want %v", err, tc.want)
			}
			if n := len(allChanges(t, db)); n != before {
				t.Errorf("a refused restore logged %d changes", n-before)
			}
		})
	}
}

// A restore settles the orphans of the row it brings back, on every
// replica, and two replicas restoring the same row at once agree without
// a conflict.
func TestRestoreSettlesOrphansAndConverges(t *testing.T) {
	a, b, village, orphan := orphanScene(t)
	for _, db := range []*DB{a, b} {
		mustWrite(t, db, func(tx *Tx) error { return tx.Restore("villages", village) })
	}
	exchange(t, a, b)
	exchange(t, b, a)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		if found := mustOrphans(t, db); len(found) != 0 {
			t.Errorf("%s still lists orphans: %+v", name, found)
		}
		conflicts, err := db.Conflicts(context.Background(), ConflictQuery{})
		if err != nil || len(conflicts) != 0 {
			t.Errorf("%s: conflicts %+v (%v); two equal restores conflict with nothing", name, conflicts, err)
		}
	}
	if dump(t, a) != dump(t, b) || mustDigest(t, a, "") != mustDigest(t, b, "") {
		t.Errorf("the replicas differ after both restored:\n%s\n%s", dump(t, a), dump(t, b))
	}
	var name string
	if err := a.SQL().QueryRow(`SELECT name FROM people WHERE id = ? AND village_id = ?`, orphan.String(), village.String()).Scan(&name); err != nil || name != "Lò Thị Mai" {
		t.Errorf("the orphan under its restored village: %q (%v)", name, err)
	}
}
