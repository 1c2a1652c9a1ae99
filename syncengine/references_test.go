package syncengine

import (
	"context"
	"math/rand/v2"
	"testing"
)

// TestMergeKeepsItsReferences: every log entry's origin and batch, and
// every cell's writer, is a row of sync_sites or sync_batches, after
// changes of several sites arrive pulled in shuffled batches, pushed with
// receipts, and written locally. PostgreSQL does not check these
// references (migrations_pg/0007_references_kept_by_the_merge.sql): the
// engine keeps them, and this test, with SQLite's foreign keys in every
// other test, is what shows it. A dangling reference, once made, is seen.
func TestMergeKeepsItsReferences(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	changes := randomHistory(t, rng, 3, 40)
	pulled, pushed := mustOpen(t, "pulled"), mustOpen(t, "pushed")
	for _, batch := range shuffledBatches(rng, changes) {
		if _, err := pulled.ApplyPulled(ctx, batch, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	bySite := map[SiteID][]Change{}
	for _, c := range changes {
		bySite[c.Site] = append(bySite[c.Site], c)
	}
	for site, all := range bySite {
		for lo := 0; lo < len(all); lo += 7 {
			batch := all[lo:min(lo+7, len(all))]
			r := &Receipt{Device: site, Officer: "Lò Văn Minh", Received: 1_800_000_000_000, Signature: []byte("sig"), Changes: HashChanges(batch)}
			if res := pushed.ApplyReceivedGroup(ctx, []Received{{Changes: batch, Receipt: r}}); res[0].Err != nil {
				t.Fatal(res[0].Err)
			}
		}
	}
	for _, db := range []*DB{pulled, pushed} {
		mustInsert(t, db, "villages", map[string]any{"commune": "A", "name": "Bản Lướt"})
		if bad := danglingReferences(t, db); bad != 0 {
			t.Errorf("%d references to no row", bad)
		}
	}
	var batched int
	if err := pushed.r.QueryRowContext(ctx, `SELECT count(*) FROM sync_log WHERE batch IS NOT NULL`).Scan(&batched); err != nil || batched < len(changes) {
		t.Fatalf("%d log entries name their batch (%v), want %d", batched, err, len(changes))
	}

	_, err := pushed.w.ExecContext(ctx, `UPDATE sync_log SET batch = batch + 1000000 WHERE seq = (SELECT max(seq) FROM sync_log WHERE batch IS NOT NULL)`)
	switch {
	case pushed.dialect.postgres() && err != nil:
		t.Fatalf("make a dangling batch: %v", err)
	case pushed.dialect.postgres():
		if bad := danglingReferences(t, pushed); bad != 1 {
			t.Errorf("a dangling batch made, %d found", bad)
		}
	case err == nil:
		t.Error("SQLite let a log entry name a batch that does not exist")
	}
}

// danglingReferences counts the log entries and cells that name a site or
// a batch with no row.
func danglingReferences(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	err := db.r.QueryRowContext(context.Background(), `SELECT
		(SELECT count(*) FROM sync_log l WHERE NOT EXISTS (SELECT 1 FROM sync_sites s WHERE s.id = l.origin)) +
		(SELECT count(*) FROM sync_log l WHERE l.batch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_batches b WHERE b.id = l.batch)) +
		(SELECT count(*) FROM sync_cells c WHERE NOT EXISTS (SELECT 1 FROM sync_sites s WHERE s.id = c.site))`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
