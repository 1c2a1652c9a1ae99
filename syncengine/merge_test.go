package syncengine

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0: from the time)")

// testSeed returns the seed for a randomized test and logs how to replay it.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with: go test ./syncengine -run '^%s$' -seed %d", t.Name(), seed)
		}
	})
	return seed
}

func TestConcurrentEditsOfDifferentFieldsBothSurvive(t *testing.T) {
	a, b := mustOpen(t, "a"), mustOpen(t, "b")
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": int64(10)})
	exchange(t, b, a)
	mustWrite(t, a, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "Bản Lác Trên"}) })
	mustWrite(t, b, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"size": int64(42)}) })
	exchange(t, a, b)
	exchange(t, b, a)
	for _, db := range []*DB{a, b} {
		var name string
		var size int64
		if err := db.SQL().QueryRow(`SELECT name, size FROM villages WHERE id = ?`, v.String()).Scan(&name, &size); err != nil {
			t.Fatal(err)
		}
		if name != "Bản Lác Trên" || size != 42 {
			t.Errorf("replica has %q, %d; want both edits", name, size)
		}
	}
	if mustDigest(t, a, "") != mustDigest(t, b, "") {
		t.Error("digests differ")
	}
}

func TestConcurrentEditsOfOneFieldConverge(t *testing.T) {
	wall := &fixedClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	cfg := testConfig()
	cfg.Now = wall.now
	a := mustOpenPath(t, t.TempDir()+"/a.db", cfg)
	b := mustOpenPath(t, t.TempDir()+"/b.db", cfg)
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	exchange(t, b, a)
	wall.t = wall.t.Add(time.Minute)
	mustWrite(t, b, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "B wrote"}) })
	wall.t = wall.t.Add(time.Minute)
	mustWrite(t, a, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "A wrote"}) })
	exchange(t, a, b)
	exchange(t, b, a)
	names := map[string]bool{}
	for _, db := range []*DB{a, b} {
		var name string
		if err := db.SQL().QueryRow(`SELECT name FROM villages WHERE id = ?`, v.String()).Scan(&name); err != nil {
			t.Fatal(err)
		}
		names[name] = true
	}
	if len(names) != 1 {
		t.Fatalf("replicas disagree: %v", names)
	}
	if !names["A wrote"] {
		t.Errorf("the later write (A's) should win, got %v", names)
	}
}

func TestDeleteBeatsConcurrentEditAndLateEditsDoNotResurrect(t *testing.T) {
	a, b := mustOpen(t, "a"), mustOpen(t, "b")
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	exchange(t, b, a)
	mustWrite(t, a, func(tx *Tx) error { return tx.Delete("villages", v) })
	// b edits after a deleted, by wall time: the edit is still to the row's
	// first life and must not bring it back.
	mustWrite(t, b, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "edited late"}) })
	exchange(t, a, b)
	exchange(t, b, a)
	for _, db := range []*DB{a, b} {
		var n int
		if err := db.SQL().QueryRow(`SELECT count(*) FROM villages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("deleted village is back on a replica")
		}
	}
	if mustDigest(t, a, "05362") != mustDigest(t, b, "05362") {
		t.Error("digests differ")
	}
}

func TestRecreatedRowStartsEmpty(t *testing.T) {
	a := mustOpen(t, "a")
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "old"})
	mustWrite(t, a, func(tx *Tx) error { return tx.Delete("villages", v) })
	// a change re-creating the row (causal length 3) with a new name
	next, _ := a.OwnSeq(context.Background())
	recreate := []Change{
		{Table: "villages", Row: v, CL: 3, Scope: "05362", HLC: MakeHLC(1, 0), Site: newUUID(), Seq: 1},
	}
	recreate = append(recreate, Change{Table: "villages", Row: v, Column: "size", Value: Int(7), CL: 3, Scope: "05362", HLC: MakeHLC(1, 1), Site: recreate[0].Site, Seq: 2})
	if _, err := a.ApplyPulled(context.Background(), recreate, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	var name any
	var size int64
	if err := a.SQL().QueryRow(`SELECT name, size FROM villages WHERE id = ?`, v.String()).Scan(&name, &size); err != nil {
		t.Fatalf("re-created row not projected: %v", err)
	}
	if name != nil || size != 7 {
		t.Errorf("re-created row shows name %v (from its first life), size %d", name, size)
	}
	if now, _ := a.OwnSeq(context.Background()); now != next {
		t.Error("received changes moved this site's sequence")
	}
}

func TestUnknownColumnsAreKeptAndProjectedLater(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/fwd.db"
	old := testConfig()
	db := mustOpenPath(t, path, old)
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	site := newUUID()
	future := []Change{{Table: "villages", Row: v, Column: "elevation", Value: Int(1200), CL: 1, Scope: "05362", HLC: MakeHLC(5, 0), Site: site, Seq: 1}}
	if _, err := db.ApplyPulled(ctx, future, "", Cursor{}); err != nil {
		t.Fatal(err)
	}
	before := mustDigest(t, db, "05362")
	db.Close()

	// The schema learns the column.
	newer := testConfig()
	newer.Tables = append([]TableSpec(nil), testTables...)
	newer.Tables[0].Columns = append(append([]string(nil), testTables[0].Columns...), "elevation")
	newer.Migrations = append(append([]Migration(nil), testMigrations...), Migration{
		Name: "test/0002_elevation",
		Up: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `ALTER TABLE villages ADD COLUMN elevation INTEGER`)
			return err
		},
	})
	db2 := mustOpenPath(t, path, newer)
	var elev int64
	if err := db2.SQL().QueryRow(`SELECT elevation FROM villages WHERE id = ?`, v.String()).Scan(&elev); err != nil || elev != 1200 {
		t.Fatalf("elevation = %d, %v; want 1200 projected from the kept cell", elev, err)
	}
	if after := mustDigest(t, db2, "05362"); after != before {
		t.Error("the digest changed when the schema learned a column")
	}
}

// TestMergeLaws merges the changes of several replicas' random histories in
// random orders, with duplicates and random batchings, and checks that every
// delivery gives the same digest and the same domain tables.
func TestMergeLaws(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	for round := 0; round < rounds; round++ {
		changes := randomHistory(t, rng, 3, 60)
		ref := mustOpen(t, fmt.Sprintf("ref%d", round))
		if _, err := ref.ApplyPulled(context.Background(), changes, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
		want, wantDump := mustDigest(t, ref, ""), dump(t, ref)
		wantConflicts := conflictSummary(mustConflicts(t, ref, ConflictQuery{}))
		for trial := 0; trial < 4; trial++ {
			db := mustOpen(t, fmt.Sprintf("r%dt%d", round, trial))
			for _, batch := range shuffledBatches(rng, changes) {
				if _, err := db.ApplyPulled(context.Background(), batch, "", Cursor{}); err != nil {
					t.Fatal(err)
				}
			}
			if got := mustDigest(t, db, ""); got != want {
				t.Fatalf("round %d trial %d: digest %s, want %s", round, trial, got, want)
			}
			if got := dump(t, db); got != wantDump {
				t.Fatalf("round %d trial %d: domain tables differ:\n%s\nwant:\n%s", round, trial, got, wantDump)
			}
			if got := conflictSummary(mustConflicts(t, db, ConflictQuery{})); !reflect.DeepEqual(got, wantConflicts) {
				t.Fatalf("round %d trial %d: conflicts\n%v\nwant\n%v", round, trial, got, wantConflicts)
			}
			for _, scope := range []string{"A", "B"} {
				if mustDigest(t, db, scope) != mustDigest(t, ref, scope) {
					t.Fatalf("round %d trial %d: digest of scope %s differs", round, trial, scope)
				}
			}
		}
	}
}

// shuffledBatches returns the changes in a random order, about a tenth of
// them twice, cut into batches of random sizes.
func shuffledBatches(rng *rand.Rand, changes []Change) [][]Change {
	all := append([]Change(nil), changes...)
	for _, c := range changes {
		if rng.IntN(10) == 0 {
			all = append(all, c)
		}
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var batches [][]Change
	for len(all) > 0 {
		n := 1 + rng.IntN(min(len(all), 40))
		batches = append(batches, all[:n])
		all = all[n:]
	}
	return batches
}

// randomHistory runs random inserts, edits and deletes on n replicas that
// now and then exchange what they know, and returns every change made.
func randomHistory(t *testing.T, rng *rand.Rand, n, ops int) []Change {
	t.Helper()
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = mustOpen(t, fmt.Sprintf("h%d", i))
	}
	for op := 0; op < ops*n; op++ {
		db := dbs[rng.IntN(n)]
		if rng.IntN(8) == 0 {
			exchange(t, db, dbs[rng.IntN(n)])
			continue
		}
		if err := db.Write(context.Background(), func(tx *Tx) error { return randomWrite(tx, db, rng) }); err != nil {
			t.Fatalf("random write: %v", err)
		}
	}
	seen := map[[2]any]bool{}
	var all []Change
	for _, db := range dbs {
		for _, c := range allChanges(t, db) {
			if k := [2]any{c.Site, c.Seq}; !seen[k] {
				seen[k] = true
				all = append(all, c)
			}
		}
	}
	return all
}

func randomWrite(tx *Tx, db *DB, rng *rand.Rand) error {
	villages := liveIDs(db, "villages")
	people := liveIDs(db, "people")
	switch k := rng.IntN(10); {
	case k < 2 || len(villages) == 0:
		_, err := tx.Insert("villages", map[string]any{"commune": []string{"A", "B"}[rng.IntN(2)], "name": randomText(rng), "size": randomInt(rng)})
		return err
	case k < 4:
		_, err := tx.Insert("people", map[string]any{"village_id": pick(rng, villages).String(), "name": randomText(rng), "score": randomReal(rng)})
		return err
	case k < 8:
		if len(people) > 0 && rng.IntN(2) == 0 {
			return tx.Update("people", pick(rng, people), map[string]any{"name": randomText(rng), "born": randomInt(rng)})
		}
		return tx.Update("villages", pick(rng, villages), map[string]any{
			[]string{"name", "size", "area", "note"}[rng.IntN(4)]: tricky[rng.IntN(len(tricky))].Any(),
		})
	default:
		if len(people) > 0 && rng.IntN(2) == 0 {
			return tx.Delete("people", pick(rng, people))
		}
		return tx.Delete("villages", pick(rng, villages))
	}
}

func liveIDs(db *DB, table string) []RowID {
	rows, err := db.SQL().Query("SELECT id FROM " + table + " ORDER BY id")
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	var ids []RowID
	for rows.Next() {
		var s string
		rows.Scan(&s)
		ids = append(ids, uuid.MustParse(s))
	}
	return ids
}

func pick(rng *rand.Rand, ids []RowID) RowID { return ids[rng.IntN(len(ids))] }

func randomText(rng *rand.Rand) any {
	names := []any{"Bùi Văn Thao", "Bui Van Thao", "Bùi Văn Thảo", "Bùi  văn thao", "", "Lò Thị Mai", "Hoàng A Sử", nil}
	return names[rng.IntN(len(names))]
}

func randomInt(rng *rand.Rand) any {
	ints := []any{int64(0), int64(-1), int64(1 << 62), int64(-1 << 63), int64(1<<63 - 1), rng.Int64(), nil}
	return ints[rng.IntN(len(ints))]
}

func randomReal(rng *rand.Rand) any {
	reals := []any{0.0, math.Copysign(0, -1), rng.Float64(), -rng.Float64() * 1e300, 1e-300, nil}
	return reals[rng.IntN(len(reals))]
}
