package syncengine

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"hodan/internal/longtest"
)

// A wall clock before 1970 (a dead clock battery can read anything) must
// not pack into a timestamp thousands of years ahead, or one beyond what
// SQLite stores (every write would fail): the counter carries the clock
// until the wall clock is right. A reading past year 6429 is held there.
func TestClockWallBefore1970(t *testing.T) {
	for name, wall := range map[string]time.Time{
		"year 1":     {},
		"1969":       time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		"year 10000": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(name, func(t *testing.T) {
			last := MakeHLC(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC).UnixMilli(), 0)
			c := NewClock(func() time.Time { return wall }, last, 0)
			h := c.Now()
			if uint64(h) > math.MaxInt64 || h <= last {
				t.Fatalf("Now() = %v (%d) after %v: want after it, within int64", h, uint64(h), last)
			}
		})
	}
}

// The high-water mark persisted in the database keeps the clock monotonic
// across restarts, whatever the wall clock reads after the restart.
func TestClockMonotonicAcrossRestarts(t *testing.T) {
	good := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for name, bad := range map[string]time.Time{
		"an hour back":   good.Add(-time.Hour),
		"reset to 1980":  time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		"before 1970":    time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC),
		"standing still": good,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "laptop.db")
			wall := &fixedClock{t: good}
			cfg := testConfig()
			cfg.Now = wall.now
			db := mustOpenPath(t, path, cfg)
			v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
			db.Close()
			for i, w := range []time.Time{bad, bad, good} { // two restarts on the bad clock, then fixed
				wall.t = w
				db = mustOpenPath(t, path, cfg)
				mustWrite(t, db, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"size": i + 1}) })
				db.Close()
			}
			db = mustOpenPath(t, path, cfg)
			assertOwnStampsIncrease(t, db)
			var size int
			if err := db.SQL().QueryRow(`SELECT size FROM villages WHERE id = ?`, v.String()).Scan(&size); err != nil || size != 3 {
				t.Fatalf("size = %d, %v; want the last write, 3", size, err)
			}
		})
	}
}

// assertOwnStampsIncrease checks that the replica's own changes have
// strictly increasing stamps in sequence order.
func assertOwnStampsIncrease(t testing.TB, db *DB) {
	t.Helper()
	var prev Change
	for _, c := range allChanges(t, db) {
		if c.Site != db.Site() {
			continue
		}
		if prev.Seq != 0 && (c.Seq != prev.Seq+1 || c.HLC <= prev.HLC) {
			t.Fatalf("change #%d stamped %v after #%d stamped %v", c.Seq, c.HLC, prev.Seq, prev.HLC)
		}
		prev = c
	}
}

// More than 65,536 changes in one millisecond: the counter carries into
// the milliseconds, every stamp is above the one before, and the last
// write wins on a replica that writes them and on one that receives them
// in reverse order.
func TestManyChangesInOneMillisecond(t *testing.T) {
	longtest.Skip(t) // TestClockCounterOverflow checks the carry in the clock alone
	const n, perTx = 70_000, 10_000
	ctx := context.Background()
	frozen := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	cfg := testConfig()
	cfg.Now = func() time.Time { return frozen }
	a := mustOpenPath(t, filepath.Join(t.TempDir(), "a.db"), cfg)
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	for i := 0; i < n; i += perTx {
		mustWrite(t, a, func(tx *Tx) error {
			for j := i; j < i+perTx; j++ {
				if err := tx.Update("villages", v, map[string]any{"size": j + 1}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	assertOwnStampsIncrease(t, a)
	changes := allChanges(t, a)
	if got := changes[len(changes)-1].HLC.Millis() - frozen.UnixMilli(); got != int64(len(changes)/65536) {
		t.Fatalf("the last of %d changes in one millisecond is %d ms later, want %d", len(changes), got, len(changes)/65536)
	}

	b := mustOpen(t, "b")
	for hi := len(changes); hi > 0; hi -= perTx {
		batch := append([]Change(nil), changes[max(0, hi-perTx):hi]...)
		for i, j := 0, len(batch)-1; i < j; i, j = i+1, j-1 {
			batch[i], batch[j] = batch[j], batch[i]
		}
		if _, err := b.ApplyPulled(ctx, batch, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, db := range []*DB{a, b} {
		var size int
		if err := db.SQL().QueryRow(`SELECT size FROM villages WHERE id = ?`, v.String()).Scan(&size); err != nil || size != n {
			t.Fatalf("size = %d, %v; want the last write, %d", size, err, n)
		}
	}
	if mustDigest(t, a, "") != mustDigest(t, b, "") {
		t.Fatal("the writer and a replica that received its changes in reverse differ")
	}
}
