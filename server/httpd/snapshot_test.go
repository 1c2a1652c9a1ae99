package httpd_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/syncengine"
)

// mustRecord records n households of commune, each with two members, on d
// and syncs them.
func mustRecord(t *testing.T, d *device, commune string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		h := mustHousehold(t, d.DB, commune, fmt.Sprintf("Hộ %s %d", commune, i))
		for j := 0; j < 2; j++ {
			mustInsert(t, d.DB, "members", map[string]any{"household_id": h.String(), "full_name": fmt.Sprintf("Thành viên %d", j), "birth_year": 1990 + j})
		}
	}
	if _, err := d.Client.Sync(context.Background(), d.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// mustSyncResult syncs d and fails the test on any error.
func mustSyncResult(t *testing.T, d *device) syncengine.SyncResult {
	t.Helper()
	res, err := d.Client.Sync(context.Background(), d.DB)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// mustLog reads a replica's whole log as an auditor does: numbers, changes
// and chain hashes.
func mustLog(t *testing.T, db *syncengine.DB) []syncengine.AuditEntry {
	t.Helper()
	entries, err := db.AuditLog(context.Background(), 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// countIn counts the server's log entries of commune.
func countIn(t *testing.T, db *syncengine.DB, commune string) int {
	t.Helper()
	n := 0
	for _, e := range mustLog(t, db) {
		if e.Change.Scope == commune {
			n++
		}
	}
	return n
}

// builds counts the snapshots the server built, from its log.
func builds(ts *testServer) int { return strings.Count(ts.Log.String(), "snapshot built") }

func TestSnapshotStartsANewDevice(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	wa, wb := mustDevice(t, ts, communeA), mustDevice(t, ts, communeB)
	mustRecord(t, wa, communeA, 5)
	mustRecord(t, wb, communeB, 4)
	mustRecord(t, wa, communeA, 2)

	fresh := mustDevice(t, ts, communeA)
	// A download a crash interrupted hours ago is cleared; one another
	// process may be writing now is not.
	stale, young := fresh.DB.Path()+".snapshot-1", fresh.DB.Path()+".snapshot-2"
	for _, name := range []string{stale, young} {
		if err := os.WriteFile(name, []byte("half a snapshot"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(stale, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	res := mustSyncResult(t, fresh)
	if left, _ := filepath.Glob(fresh.DB.Path() + ".snapshot-*"); !reflect.DeepEqual(left, []string{young}) {
		t.Errorf("beside the database after the sync: %v, want only %s", left, young)
	}
	inA := countIn(t, ts.DB, communeA)
	if res.SnapshotChanges != inA || res.Pulled != inA || res.SnapshotBytes == 0 || res.SnapshotSkipped != "" {
		t.Fatalf("first sync %+v; want a snapshot of the %d changes of A", res, inA)
	}
	plain := mustDevice(t, ts, communeA)
	plain.Client.NoSnapshot = true
	if res := mustSyncResult(t, plain); res.Pulled != inA || res.SnapshotChanges != 0 {
		t.Fatalf("first sync without snapshot %+v; want %d changes pulled", res, inA)
	}
	if got, want := mustLog(t, fresh.DB), mustLog(t, plain.DB); !reflect.DeepEqual(got, want) {
		t.Errorf("the adopted log (%d entries) is not the pulled one (%d)", len(got), len(want))
	}
	assertSameA(t, ts, fresh, plain)
	if got, want := mustDigest(t, fresh.DB, communeB), mustDigest(t, mustOpenReplica(t), communeB); got != want {
		t.Error("the new device holds rows of commune B")
	}
	assertCacheFiles(t, ts.SnapshotDir, 1)

	// The device works on: it pushes its own, and pulls what others write.
	mustRecord(t, fresh, communeA, 1)
	mustRecord(t, wa, communeA, 1)
	mustRecord(t, wb, communeB, 1)
	want := countIn(t, ts.DB, communeA) - len(mustLog(t, fresh.DB))
	if res := mustSyncResult(t, fresh); res.Pulled != want || res.SnapshotChanges != 0 {
		t.Errorf("later sync %+v; want the %d changes of the other device's household pulled, no snapshot", res, want)
	}
	mustSyncResult(t, plain)
	assertSameA(t, ts, fresh, plain)

	// The next new device gets the same snapshot (a few changes behind), and
	// pulls the rest.
	next := mustDevice(t, ts, communeA)
	res = mustSyncResult(t, next)
	if res.SnapshotChanges != inA || res.Pulled != countIn(t, ts.DB, communeA) {
		t.Errorf("second new device %+v; want the snapshot of %d changes, then the rest", res, inA)
	}
	assertSameA(t, ts, next, plain)
	if n := builds(ts); n != 1 {
		t.Errorf("built %d snapshots, want 1 for one set of communes", n)
	}
}

// assertSameA fails unless every device has the server's digest of A.
func assertSameA(t *testing.T, ts *testServer, devs ...*device) {
	t.Helper()
	want := mustDigest(t, ts.DB, communeA)
	for i, d := range devs {
		if got := mustDigest(t, d.DB, communeA); got != want {
			t.Errorf("device %d: digest of A %s, the server's %s", i, got, want)
		}
	}
}

// assertCacheFiles checks the snapshot cache holds n snapshots and their
// descriptions, readable by the server's user only.
func assertCacheFiles(t *testing.T, dir string, n int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2*n {
		t.Errorf("snapshot cache holds %d files, want %d", len(entries), 2*n)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
}

func TestSnapshotBuiltAgainWhenStale(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	ts := mustServer(t, func(cfg *httpd.Config) { cfg.SnapshotDir, cfg.SnapshotMaxLag = dir, 2 })
	wa := mustDevice(t, ts, communeA)
	mustRecord(t, wa, communeA, 2)
	// Devices asking at once share one build.
	var wg sync.WaitGroup
	devs := make([]*device, 4)
	for i := range devs {
		devs[i] = mustDevice(t, ts, communeA)
	}
	errs := make([]error, len(devs))
	for i, d := range devs {
		wg.Go(func() { _, errs[i] = d.Client.Sync(context.Background(), d.DB) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	assertSameA(t, ts, devs...)
	if n := builds(ts); n != 1 {
		t.Errorf("%d devices at once: %d builds, want 1", len(devs), n)
	}
	first, _ := filepath.Glob(filepath.Join(dir, "*.gz"))
	// Two changes more are within the lag; three are not.
	mustRecord(t, wa, communeA, 1)
	late := mustDevice(t, ts, communeA)
	if res := mustSyncResult(t, late); res.SnapshotChanges != countIn(t, ts.DB, communeA) {
		t.Errorf("after 3 changes more than a lag of 2: a snapshot of %d changes, want all %d", res.SnapshotChanges, countIn(t, ts.DB, communeA))
	}
	if n := builds(ts); n != 2 {
		t.Errorf("%d builds, want the stale snapshot built again", n)
	}
	if _, err := os.Stat(first[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale snapshot %s is still kept: %v", first[0], err)
	}
	assertCacheFiles(t, dir, 1)
	assertSameA(t, ts, late)
}

func TestSnapshotFallsBackToPull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A server without snapshots answers 404, as one older than them does.
	old := mustServer(t, func(cfg *httpd.Config) { cfg.NoSnapshots = true })
	mustRecord(t, mustDevice(t, old, communeA), communeA, 3)
	d := mustDevice(t, old, communeA)
	res := mustSyncResult(t, d)
	if res.SnapshotSkipped == "" || res.SnapshotChanges != 0 || res.Pulled != countIn(t, old.DB, communeA) {
		t.Errorf("sync with a server without snapshots: %+v", res)
	}
	assertSameA(t, old, d)

	// A laptop whose schema differs (here, an index more) pulls instead.
	ts := mustServer(t, nil)
	mustRecord(t, mustDevice(t, ts, communeA), communeA, 3)
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "other.db"), replica.Options{Migrations: []syncengine.Migration{{
		Name: "test/index", Up: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE INDEX households_head ON households (head_name)`)
			return err
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	other := &device{DB: db, Client: &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}}
	er, err := other.Client.Enroll(ctx, ts.mustCode(t, time.Hour, communeA), db.Site())
	if err != nil {
		t.Fatal(err)
	}
	other.Client.Token = er.Token
	res = mustSyncResult(t, other)
	if !strings.Contains(res.SnapshotSkipped, "another schema") || res.Pulled != countIn(t, ts.DB, communeA) {
		t.Errorf("sync of a laptop of another schema: %+v", res)
	}
	assertSameA(t, ts, other)
}

// TestSnapshotBuiltOnEnroll: with SnapshotOnEnroll, a device's enrollment
// starts the build of its communes' snapshot, so that its first sync finds
// it ready and builds nothing; without it, the first sync builds it.
func TestSnapshotBuiltOnEnroll(t *testing.T) {
	t.Parallel()
	for _, onEnroll := range []bool{true, false} {
		t.Run(fmt.Sprintf("on enroll %v", onEnroll), func(t *testing.T) {
			// Any change logged makes a kept snapshot stale: the one built
			// when the first device enrolled does not serve the second.
			ts := mustServer(t, func(cfg *httpd.Config) { cfg.SnapshotOnEnroll, cfg.SnapshotMaxLag = onEnroll, 1 })
			first := mustDevice(t, ts, communeA)
			ts.Server.Wait()
			mustRecord(t, first, communeA, 3)
			enrolled := builds(ts)
			fresh := mustDevice(t, ts, communeA)
			// The build runs beside the answer to the enrollment: wait
			// for it as the server's shutdown does.
			ts.Server.Wait()
			if got, want := builds(ts)-enrolled, btoi(onEnroll); got != want {
				t.Fatalf("%d snapshots built on enrolling a device, want %d", got, want)
			}
			before := builds(ts)
			res := mustSyncResult(t, fresh)
			if res.SnapshotChanges == 0 {
				t.Fatalf("first sync: %+v, want a snapshot adopted", res)
			}
			if got, want := builds(ts)-before, 1-btoi(onEnroll); got != want {
				t.Errorf("the first sync built %d snapshots, want %d", got, want)
			}
		})
	}
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
