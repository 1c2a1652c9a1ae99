package reconcile_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"hodan/reconcile"
	"hodan/syncengine"
)

// exchange gives dst every change src holds, in order, or in reverse.
func exchange(t *testing.T, dst, src *syncengine.DB, reverse bool) {
	t.Helper()
	changes, _, err := src.ReadLog(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if reverse {
		slices.Reverse(changes)
	}
	if _, err := dst.ApplyPulled(context.Background(), changes, "", syncengine.Cursor{}); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, db *syncengine.DB, fn func(tx *syncengine.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func rowID(s string) syncengine.RowID { return uuid.MustParse(s) }

// orphanWorld is issue 14's items 3 and 4 on two replicas of Lạc Lương: a
// (Minh) deletes a household, an empty village and the household a
// family was merged into; b (Lan), meanwhile, records for the first
// household, adds a household to the village, and deletes the kept
// household of the merge while a merges into it.
type orphanWorld struct {
	a, b                  *syncengine.DB
	village, deadVillage  string
	thao, keep, drop      string // households: deleted, kept by the merge (deleted too), merged
	other, merged         string // a live household, and one merged into it
	member, support       string // b's records of thao
	newHousehold          string // b's household in the deleted village
	moved, dropVisit      string // drop's member moved to keep by the merge; b's visit of drop
	otherCommuneHousehold string // a household of Cẩm Giàng
	officers              map[syncengine.SiteID]string
	names                 func(syncengine.SiteID) string
}

func mustOrphanWorld(t *testing.T) *orphanWorld {
	t.Helper()
	w := &orphanWorld{a: mustOpen(t), b: mustOpen(t)}
	a, b := w.a, w.b
	w.officers = map[syncengine.SiteID]string{a.Site(): "Lò Văn Minh", b.Site(): "Hà Thị Lan"}
	w.names = func(s syncengine.SiteID) string { return w.officers[s] }
	w.village = mustVillage(t, a, lacLuong, "Bản Lác")
	w.deadVillage = mustVillage(t, a, lacLuong, "Nà Hin")
	w.thao = mustHousehold(t, a, household{commune: lacLuong, village: w.village, name: "Bùi Văn Thao", number: "12"})
	w.keep = mustHousehold(t, a, household{commune: lacLuong, village: w.village, name: "Hà Văn Tú"})
	w.drop = mustHousehold(t, a, household{commune: lacLuong, name: "Ha Van Tu"})
	w.moved = mustInsert(t, a, "members", map[string]any{"household_id": w.drop, "full_name": "Hà Thị Hoa"})
	w.other = mustHousehold(t, a, household{commune: lacLuong, name: "Lò Văn Sáng"})
	w.merged = mustHousehold(t, a, household{commune: lacLuong, name: "Lo Van Sang"})
	mustMerge(t, a, w.merged, w.other)
	w.otherCommuneHousehold = mustHousehold(t, a, household{commune: camGiang, name: "Triệu Thị Mai"})
	exchange(t, b, a, false)

	mustWrite(t, a, func(tx *syncengine.Tx) error {
		if err := reconcile.DeleteRecord(tx, "households", rowID(w.thao), false); err != nil {
			return err
		}
		if err := reconcile.DeleteRecord(tx, "villages", rowID(w.deadVillage), false); err != nil {
			return err
		}
		// household merge KEEP DROP: DROP's records move to KEEP, DROP points at it.
		if err := tx.Update("members", rowID(w.moved), map[string]any{"household_id": w.keep}); err != nil {
			return err
		}
		return tx.Update("households", rowID(w.drop), map[string]any{"merged_into": w.keep})
	})
	w.member = mustInsert(t, b, "members", map[string]any{"household_id": w.thao, "full_name": "Bùi Thị Hoa", "birth_year": 1980})
	w.support = mustInsert(t, b, "support_records", map[string]any{"household_id": w.thao, "program": "ntp_1719", "kind": "livelihood", "amount_vnd": 5_000_000})
	w.newHousehold = mustHousehold(t, b, household{commune: lacLuong, village: w.deadVillage, name: "Lò Văn Tâm", number: "17"})
	w.dropVisit = mustInsert(t, b, "visits", map[string]any{"household_id": w.drop, "visit_date": "2026-11-20", "purpose": "follow_up"})
	mustWrite(t, b, func(tx *syncengine.Tx) error { return reconcile.DeleteRecord(tx, "households", rowID(w.keep), true) })
	exchange(t, a, b, false)
	exchange(t, b, a, true)
	return w
}

func mustOrphans(t *testing.T, db *syncengine.DB, names func(syncengine.SiteID) string, communes ...string) []reconcile.Orphan {
	t.Helper()
	found, err := reconcile.Orphans(context.Background(), db, communes, names)
	if err != nil {
		t.Fatalf("orphans: %v", err)
	}
	return found
}

func TestOrphansOfEveryKindAreListedAlike(t *testing.T) {
	w := mustOrphanWorld(t)
	want := map[string]string{
		w.member: reconcile.ReasonParentDeleted, w.support: reconcile.ReasonParentDeleted,
		w.moved: reconcile.ReasonParentDeleted, w.newHousehold: reconcile.ReasonVillageDeleted,
		w.drop: reconcile.ReasonMergeTargetDeleted, w.dropVisit: reconcile.ReasonMergeTargetDeleted,
	}
	c := mustOpen(t) // a third replica, given everything backwards
	exchange(t, c, w.b, true)
	found := mustOrphans(t, w.a, w.names)
	got := map[string]string{}
	for _, o := range found {
		got[o.Row.String()] = o.Reason
		if o.ID != syncengine.OrphanID(o.Table, o.Row) || o.Kind != "orphan" || o.Commune != lacLuong {
			t.Errorf("orphan %+v: want its row's orphan id, kind orphan, commune %s", o, lacLuong)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("orphans by row:\n%v\nwant\n%v", got, want)
	}
	for name, db := range map[string]*syncengine.DB{"b": w.b, "c": c} {
		if other := mustOrphans(t, db, w.names); !reflect.DeepEqual(other, found) {
			t.Errorf("%s lists\n%+v\nwant a's\n%+v", name, other, found)
		}
	}
	by := map[string]reconcile.Orphan{}
	for _, o := range found {
		by[o.Row.String()] = o
	}
	m := by[w.member]
	if m.Record != "Bùi Thị Hoa, 1980" || m.HouseholdID != w.thao || m.HeadName != "Bùi Văn Thao" || m.HouseholdNumber != "12" ||
		m.Village != "Bản Lác" || m.Deleted.Table != "households" || m.Deleted.ID != w.thao || m.Deleted.Name != "Bùi Văn Thao, 12" ||
		!m.Deleted.Known || m.Deleted.Officer != "Lò Văn Minh" || m.Deleted.At == nil {
		t.Errorf("the member's orphan: %+v", m)
	}
	if n := by[w.newHousehold]; n.Village != "Nà Hin" || n.Deleted.Name != "Nà Hin" || n.HeadName != "Lò Văn Tâm" {
		t.Errorf("the household in the deleted village: %+v", n)
	}
	if d := by[w.dropVisit]; d.HouseholdID != w.drop || d.Deleted.ID != w.keep || d.Deleted.Officer != "Hà Thị Lan" || d.Record != "20/11/2026, follow_up" {
		t.Errorf("the visit of the household merged into a deleted one: %+v", d)
	}
	if other := mustOrphans(t, w.a, w.names, camGiang); len(other) != 0 {
		t.Errorf("Cẩm Giàng has no orphans, listed %+v", other)
	}
}

func TestOrphansAreSettledByRestoreMoveOrDelete(t *testing.T) {
	w := mustOrphanWorld(t)
	by := map[string]reconcile.Orphan{}
	for _, o := range mustOrphans(t, w.b, w.names) {
		by[o.Row.String()] = o
	}
	// Refusals first: each leaves the database as it was.
	unknown := by[w.member]
	unknown.Deleted.Known = false
	for _, tc := range []struct {
		name string
		fn   func(tx *syncengine.Tx) error
		want error
	}{
		{"move a record to a village", func(tx *syncengine.Tx) error { return reconcile.MoveTo(tx, by[w.member], rowID(w.village)) }, reconcile.ErrMoveTarget},
		{"move to a merged household", func(tx *syncengine.Tx) error { return reconcile.MoveTo(tx, by[w.member], rowID(w.merged)) }, reconcile.ErrMoveTarget},
		{"move to another commune", func(tx *syncengine.Tx) error {
			return reconcile.MoveTo(tx, by[w.member], rowID(w.otherCommuneHousehold))
		}, reconcile.ErrMoveTarget},
		{"move to the deleted household", func(tx *syncengine.Tx) error { return reconcile.MoveTo(tx, by[w.support], rowID(w.keep)) }, reconcile.ErrMoveTarget},
		{"restore what was never held", func(tx *syncengine.Tx) error { return reconcile.Restore(tx, unknown) }, reconcile.ErrNotRestorable},
	} {
		if err := w.b.Write(context.Background(), tc.fn); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	mustWrite(t, w.b, func(tx *syncengine.Tx) error {
		if err := reconcile.MoveTo(tx, by[w.support], rowID(w.other)); err != nil {
			return err
		}
		if err := reconcile.DeleteOrphan(tx, by[w.dropVisit], false); err != nil {
			return err
		}
		if err := reconcile.MoveTo(tx, by[w.newHousehold], rowID(w.village)); err != nil {
			return err
		}
		if err := reconcile.Restore(tx, by[w.member]); err != nil {
			return err
		}
		return reconcile.Restore(tx, by[w.drop])
	})
	err := w.b.Write(context.Background(), func(tx *syncengine.Tx) error { return reconcile.Restore(tx, by[w.moved]) })
	if !errors.Is(err, reconcile.ErrSettled) {
		t.Errorf("restoring a household restored already: %v, want ErrSettled", err)
	}
	exchange(t, w.a, w.b, false)
	for name, db := range map[string]*syncengine.DB{"a": w.a, "b": w.b} {
		if left := mustOrphans(t, db, w.names); len(left) != 0 {
			t.Errorf("%s still lists %+v", name, left)
		}
	}
	var head, village string
	if err := w.a.SQL().QueryRow(`SELECT head_name, village_id FROM households WHERE id = ?`, w.thao).Scan(&head, &village); err != nil || head != "Bùi Văn Thao" || village != w.village {
		t.Errorf("the restored household: %q in %q (%v)", head, village, err)
	}
	if a, b := mustDigestOf(t, w.a), mustDigestOf(t, w.b); a != b {
		t.Errorf("the replicas differ after settling: %s, %s", a, b)
	}
}

func mustDigestOf(t *testing.T, db *syncengine.DB) string {
	t.Helper()
	d, err := db.Digest(context.Background(), lacLuong)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDeleteRecordAsksFirst(t *testing.T) {
	db := mustOpen(t)
	v := mustVillage(t, db, lacLuong, "Bản Lác")
	h := mustHousehold(t, db, household{commune: lacLuong, village: v, name: "Bùi Văn Thao"})
	m := mustInsert(t, db, "members", map[string]any{"household_id": h, "full_name": "Bùi Thị Hoa"})
	twin := mustHousehold(t, db, household{commune: lacLuong, village: v, name: "Bui Van Thao"})
	twinMember := mustInsert(t, db, "members", map[string]any{"household_id": twin, "full_name": "Bùi Văn Nam"})
	mustMerge(t, db, twin, h)
	loop1 := mustHousehold(t, db, household{commune: lacLuong, name: "Lò A Sử"})
	loop2 := mustHousehold(t, db, household{commune: lacLuong, name: "Lo A Su"})
	mustMerge(t, db, loop1, loop2)
	mustMerge(t, db, loop2, loop1)
	logged := func() int {
		changes, _, err := db.ReadLog(context.Background(), 0, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		return len(changes)
	}
	before := logged()
	for _, tc := range []struct {
		table, id    string
		name         string // the record's
		withChildren bool
		want         []string // the dependents' names
		cascade      bool
	}{
		{"villages", v, "Bản Lác", false, []string{"Bùi Văn Thao"}, false},
		{"villages", v, "Bản Lác", true, []string{"Bùi Văn Thao"}, false},
		{"households", h, "Bùi Văn Thao", false, []string{"Bui Van Thao", "Bùi Thị Hoa"}, true},
	} {
		err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
			return reconcile.DeleteRecord(tx, tc.table, rowID(tc.id), tc.withChildren)
		})
		var de *reconcile.DependentsError
		if !errors.As(err, &de) || de.Cascade != tc.cascade || de.Name != tc.name {
			t.Fatalf("delete %s: %v; want a DependentsError naming it, cascade %v", tc.table, err, tc.cascade)
		}
		var names []string
		for _, d := range de.Dependents {
			names = append(names, d.Name)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("delete %s: dependents %v, want %v", tc.table, names, tc.want)
		}
	}
	if n := logged(); n != before {
		t.Errorf("refused deletes logged %d changes", n-before)
	}
	mustWrite(t, db, func(tx *syncengine.Tx) error {
		if err := reconcile.DeleteRecord(tx, "households", rowID(h), true); err != nil {
			return err
		}
		if err := reconcile.DeleteRecord(tx, "villages", rowID(v), false); err != nil {
			return err
		}
		return reconcile.DeleteRecord(tx, "households", rowID(loop1), true)
	})
	for _, id := range []string{h, m, twin, twinMember, loop1, loop2} {
		var n int
		for _, table := range []string{"households", "members"} {
			var k int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&k); err != nil {
				t.Fatal(err)
			}
			n += k
		}
		if n != 0 {
			t.Errorf("%s is still there after deleting what it belongs to", id)
		}
	}
}

// BenchmarkOrphans3000 lists the orphans of a commune of the size the
// design plans for (3,000 households, 12,000 members, 21,000 visits) that
// has none: what `hodan status` pays on every call.
func BenchmarkOrphans3000(b *testing.B) {
	db := mustOpen(b)
	seedCommune(b, db, 3000)
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		rows, err := tx.Query(`SELECT id FROM households`)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, h := range ids {
			for i := range 4 {
				if _, err := tx.Insert("members", map[string]any{"household_id": h, "full_name": "Lò Thị Mai", "birth_year": 1970 + i}); err != nil {
					return err
				}
			}
			for range 7 {
				if _, err := tx.Insert("visits", map[string]any{"household_id": h, "visit_date": "2026-10-01", "purpose": "follow_up"}); err != nil {
					return err
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if found, err := reconcile.Orphans(context.Background(), db, []string{lacLuong}, func(syncengine.SiteID) string { return "" }); err != nil || len(found) != 0 {
			b.Fatalf("orphans %v, %v", found, err)
		}
	}
}

// TestASettledOrphanIsNotSettledAgain: once an orphan is settled, settling
// it again as it was listed (a second click, a form sent twice, two
// officers at once) is refused and changes nothing: the record moved
// under a live household is not deleted, nor moved again.
func TestASettledOrphanIsNotSettledAgain(t *testing.T) {
	w := mustOrphanWorld(t)
	by := map[string]reconcile.Orphan{}
	for _, o := range mustOrphans(t, w.b, w.names) {
		by[o.Row.String()] = o
	}
	mustWrite(t, w.b, func(tx *syncengine.Tx) error {
		if err := reconcile.MoveTo(tx, by[w.support], rowID(w.other)); err != nil {
			return err
		}
		if err := reconcile.MoveTo(tx, by[w.newHousehold], rowID(w.village)); err != nil {
			return err
		}
		if err := reconcile.MoveTo(tx, by[w.dropVisit], rowID(w.other)); err != nil {
			return err
		}
		return reconcile.MoveTo(tx, by[w.drop], rowID(w.other))
	})
	before := mustDigestOf(t, w.b)
	for _, row := range []string{w.support, w.newHousehold, w.dropVisit, w.drop} {
		o := by[row]
		for way, fn := range map[string]func(tx *syncengine.Tx) error{
			"delete": func(tx *syncengine.Tx) error { return reconcile.DeleteOrphan(tx, o, true) },
			"move":   func(tx *syncengine.Tx) error { return reconcile.MoveTo(tx, o, rowID(w.merged)) },
		} {
			if err := w.b.Write(context.Background(), fn); !errors.Is(err, reconcile.ErrSettled) {
				t.Errorf("%s the %s orphan %s again: %v, want ErrSettled", way, o.Reason, o.Table, err)
			}
		}
	}
	if after := mustDigestOf(t, w.b); after != before {
		t.Error("settling settled orphans again changed the database")
	}
}
