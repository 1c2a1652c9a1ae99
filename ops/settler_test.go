package ops

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"hodan/internal/pgtest"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/syncengine"
)

// onBothStores runs test with the server's replica on SQLite, then on
// PostgreSQL (skipped without HODAN_TEST_POSTGRES: see package pgtest).
func onBothStores(t *testing.T, test func(t *testing.T, srv *syncengine.DB)) {
	t.Run("sqlite", func(t *testing.T) { test(t, mustReplica(t)) })
	t.Run("postgres", func(t *testing.T) {
		srv, err := replica.Open(context.Background(), pgtest.Database(t), replica.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		test(t, srv)
	})
}

// ownLog is how many changes db has written itself.
func ownLog(t *testing.T, db *syncengine.DB) uint64 {
	t.Helper()
	n, err := db.OwnSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mustSettlePending settles what srv holds, as the server's settler does.
func mustSettlePending(t *testing.T, srv *syncengine.DB) MergesSettled {
	t.Helper()
	s, err := SettlePending(context.Background(), srv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustSettle settles the merges of db's communes, as a laptop does after a
// sync.
func mustSettle(t *testing.T, db *syncengine.DB) {
	t.Helper()
	if err := db.Write(context.Background(), func(tx *syncengine.Tx) error { return SettleMerges(tx, officer.Communes) }); err != nil {
		t.Fatal(err)
	}
}

// parentOf is the household the member id belongs to on db.
func parentOf(t *testing.T, db *syncengine.DB, member string) string {
	t.Helper()
	var parent string
	if err := db.SQL().QueryRow(`SELECT household_id FROM members WHERE id = ?`, member).Scan(&parent); err != nil {
		t.Fatal(err)
	}
	return parent
}

// TestSettlePendingIdleWritesNothing: the server's settle check finds a
// record a laptop wrote under a household merged elsewhere and moves it;
// afterwards, with merges left that need nothing (a chain of merges, and
// a chain ending at a deleted household, whose records are orphans), it
// finds nothing and writes nothing, however often it runs.
func TestSettlePendingIdleWritesNothing(t *testing.T) { onBothStores(t, settlePendingIdle) }

func settlePendingIdle(t *testing.T, srv *syncengine.DB) {
	ctx := context.Background()
	laptop := mustReplica(t)
	x := mustAdd(t, srv, everyone, "households", map[string]any{"commune_code": lacLuong, "head_name": "Lò Thị Mai"})
	y := mustAdd(t, srv, everyone, "households", map[string]any{"commune_code": lacLuong, "head_name": "Lo Thi Mai"})
	z := mustAdd(t, srv, everyone, "households", map[string]any{"commune_code": lacLuong, "head_name": "Lò T. Mai"})
	gone := mustAdd(t, srv, everyone, "households", map[string]any{"commune_code": lacLuong, "head_name": "Hà Văn Minh"})
	lost := mustAdd(t, srv, everyone, "households", map[string]any{"commune_code": lacLuong, "head_name": "Ha Van Minh"})
	mustAdd(t, srv, everyone, "members", map[string]any{"household_id": lost, "full_name": "Hà Thị Lan"})
	exchange(t, srv, laptop)
	member := mustAdd(t, laptop, officer, "members", map[string]any{"household_id": x, "full_name": "Lò Văn Tú"})
	orphan := mustAdd(t, laptop, officer, "members", map[string]any{"household_id": lost, "full_name": "Hà Văn Nam"})
	for _, pair := range [][2]string{{y, x}, {z, y}, {gone, lost}} {
		if _, err := MergeHouseholds(ctx, srv, everyone, pair[0], pair[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Write(ctx, func(tx *syncengine.Tx) error { return tx.Delete(schema.Households.Name, mustID(t, gone)) }); err != nil {
		t.Fatal(err)
	}
	exchange(t, laptop, srv)
	if s := mustSettlePending(t, srv); s.Moved != 1 || parentOf(t, srv, member) != z {
		t.Fatalf("settled %+v; the member belongs to %s, want it moved to %s, where the chain of merges ends", s, parentOf(t, srv, member), z)
	}
	if got := parentOf(t, srv, orphan); got != lost {
		t.Fatalf("the member of a household merged into a deleted one moved to %s", got)
	}
	before := ownLog(t, srv)
	for range 3 {
		if s := mustSettlePending(t, srv); s != (MergesSettled{}) {
			t.Errorf("an idle settle wrote %+v", s)
		}
	}
	// While a write holds the writer lock, an idle settle does not wait for
	// it (one that took the lock would wait here for ever: the test would
	// time out).
	err := srv.Write(ctx, func(*syncengine.Tx) error {
		_, err := SettlePending(ctx, srv)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := ownLog(t, srv); after != before {
		t.Errorf("the server's log grew from %d to %d changes while idle", before, after)
	}
}

// TestServerAndLaptopSettleOneRecordAlike: a laptop and the server settle
// the same record at once (each before hearing of the other's move); they
// write equal values, which is no conflict, and every replica ends equal.
func TestServerAndLaptopSettleOneRecordAlike(t *testing.T) { onBothStores(t, settleOneRecordAlike) }

func settleOneRecordAlike(t *testing.T, srv *syncengine.DB) {
	ctx := context.Background()
	a, b := mustReplica(t), mustReplica(t)
	x := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	y := mustAdd(t, a, officer, "households", map[string]any{"head_name": "Lo Thi Mai"})
	exchange(t, a, srv)
	exchange(t, a, b)
	if _, err := MergeHouseholds(ctx, a, officer, y, x); err != nil {
		t.Fatal(err)
	}
	member := mustAdd(t, b, officer, "members", map[string]any{"household_id": x, "full_name": "Lò Văn Tú"})
	exchange(t, a, srv)
	exchange(t, b, srv)
	exchange(t, a, b)
	exchange(t, b, a)
	mustSettle(t, a)
	mustSettle(t, b)
	if s := mustSettlePending(t, srv); s.Moved != 1 {
		t.Fatalf("the server settled %+v, want the member moved", s)
	}
	every := map[string]*syncengine.DB{"server": srv, "a": a, "b": b}
	meshAll(t, every)
	writes := 0
	log, err := srv.RowLog(ctx, schema.Members.Name, mustID(t, member))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range log {
		if c.Column == "household_id" && c.Value.Any() == y {
			writes++
		}
	}
	if writes != 3 {
		t.Fatalf("%d writes moved the member to the kept household, want 3 (server, a and b at once)", writes)
	}
	for name, db := range every {
		if got := parentOf(t, db, member); got != y {
			t.Errorf("%s: the member belongs to %s, want %s", name, got, y)
		}
	}
	assertAlike(t, every)
}

// TestServerSettlesACycleAsLaptopsDo: two laptops merge one pair in
// opposite directions offline; the server, holding both merges first,
// keeps the household with the smaller id with both families' records,
// and the laptops, settling on their own before hearing of it, write the
// same: one household everywhere, no conflict, equal digests.
func TestServerSettlesACycleAsLaptopsDo(t *testing.T) { onBothStores(t, settleCycle) }

func settleCycle(t *testing.T, srv *syncengine.DB) {
	ctx := context.Background()
	a, b := mustReplica(t), mustReplica(t)
	x, y := oppositeMerges(t, a, b)
	exchange(t, a, srv)
	exchange(t, b, srv)
	if s := mustSettlePending(t, srv); s.Cycles != 1 {
		t.Fatalf("the server settled %+v, want one cycle broken", s)
	}
	exchange(t, a, b)
	exchange(t, b, a)
	mustSettle(t, a)
	mustSettle(t, b)
	every := map[string]*syncengine.DB{"server": srv, "a": a, "b": b}
	meshAll(t, every)
	first := min(x, y)
	for name, db := range every {
		shown, _ := List(ctx, db, schema.Households, ListQuery{})
		members, _ := List(ctx, db, schema.Members, ListQuery{Of: first})
		if len(shown) != 1 || shown[0]["id"] != first || len(members) != 2 {
			t.Errorf("%s: households %v, members of %s %v; want %s alone with both members", name, shown, first, members, first)
		}
	}
	assertAlike(t, every)
}

// meshAll gives every replica of every the changes of each other.
func meshAll(t *testing.T, every map[string]*syncengine.DB) {
	t.Helper()
	for _, from := range every {
		for _, to := range every {
			if from != to {
				exchange(t, from, to)
			}
		}
	}
}

// assertAlike checks that the replicas of every hold no conflict and
// digest Lạc Lương as the server does.
func assertAlike(t *testing.T, every map[string]*syncengine.DB) {
	t.Helper()
	ctx := context.Background()
	want, _ := every["server"].Digest(ctx, lacLuong)
	for name, db := range every {
		if cs, err := db.Conflicts(ctx, syncengine.ConflictQuery{}); err != nil || len(cs) != 0 {
			t.Errorf("%s: conflicts %+v (%v), want none", name, cs, err)
		}
		if got, _ := db.Digest(ctx, lacLuong); got != want {
			t.Errorf("%s: digest %s, the server's %s", name, got, want)
		}
	}
}

// TestSettlePendingManyMerges: a province's server may hold more merges
// than one statement may name; it settles them all, in chunks.
func TestSettlePendingManyMerges(t *testing.T) { onBothStores(t, settleMany) }

func settleMany(t *testing.T, srv *syncengine.DB) {
	const n = 2*settleChunk + 1
	kept := map[string]string{} // each member to the household it must end under
	err := srv.Write(context.Background(), func(tx *syncengine.Tx) error {
		for range n {
			keep, err := tx.Insert("households", map[string]any{"commune_code": lacLuong, "head_name": "Lò Thị Mai"})
			if err != nil {
				return err
			}
			drop, err := tx.Insert("households", map[string]any{"commune_code": lacLuong, "head_name": "Lo Thi Mai"})
			if err != nil {
				return err
			}
			member, err := tx.Insert("members", map[string]any{"household_id": drop.String(), "full_name": "Lò Văn Tú"})
			if err != nil {
				return err
			}
			kept[member.String()] = keep.String()
			if err := tx.Update("households", drop, map[string]any{schema.ColMergedInto: keep.String()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := mustSettlePending(t, srv); s.Moved != n {
		t.Fatalf("settled %+v, want %d members moved", s, n)
	}
	for member, keep := range kept {
		if got := parentOf(t, srv, member); got != keep {
			t.Fatalf("member %s belongs to %s, want %s", member, got, keep)
		}
	}
}

func mustID(t *testing.T, id string) syncengine.RowID {
	t.Helper()
	rid, err := uuid.Parse(id)
	if err != nil {
		t.Fatal(err)
	}
	return rid
}
