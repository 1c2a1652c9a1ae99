package e2e

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"golang.org/x/sync/errgroup"

	"hodan/internal/pgtest"
	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// TestTwoServersOnOnePostgres: two hodan-server processes serve one
// PostgreSQL database. One laptop pushes through the first (behind a
// proxy that notes what the server acknowledged) while two others sync
// through the second at the same moment, and the first is killed with
// SIGKILL at a random instant of the push. Then the server holds of the
// laptop's changes a gapless prefix, equal to the laptop's, at least what
// it acknowledged; the log's chain verifies; and once the first server is
// back and everyone synced, every replica has the server's digest.
func TestTwoServersOnOnePostgres(t *testing.T) {
	url := pgtest.Database(t) // skips without HODAN_TEST_POSTGRES
	cr := newCrashRun(t, 4)
	// On PostgreSQL each server keeps its snapshots in a directory of its
	// own under the temporary directory: the test's.
	t.Setenv("TMPDIR", t.TempDir())
	// s1 is killed: it runs as a process.
	s1, s2 := startServerProcess(t, url), startServer(t, url)
	defer func() { s1.stop() }() // the last of the restarted servers
	proxy, via := startAckProxy(t, s1.url)
	a := newDevice(t, "a")
	a.run(t, "init", "--server", via, "--enroll", s1.enroll(t, "Lò Văn Minh", lacLuong))
	b := enrolled(t, s2, "b", "Lường Thị Hoa", lacLuong)
	c := enrolled(t, s2, "c", "Cầm Văn Đức", lacLuong)
	for round := 0; cr.more(); round++ {
		writeHouseholds(t, a, lacLuong, round*pushRound, pushRound)
		writeHouseholds(t, b, lacLuong, 10000+round*10, 10)
		writeHouseholds(t, c, lacLuong, 20000+round*10, 10)
		p := a.start(t, "sync", "--batch", "40")
		var others errgroup.Group
		for _, d := range []*device{b, c} {
			others.Go(func() error {
				if _, errOut, err := d.try("sync", "--batch", "8"); err != nil {
					return fmt.Errorf("%s: %v: %s", d.db, err, errOut)
				}
				return nil
			})
		}
		landed := cr.kill("push", p, s1.kill)
		if err := others.Wait(); err != nil {
			t.Fatalf("a sync through the other server failed: %v", err)
		}
		cr.count(landed, "hodan-server killed")
		assertHeldOnPostgres(t, url, a, proxy.ackedFor(t, a))
		s1.run(t, "audit", "verify", "--db", url)
		if landed {
			s1 = s1.restart(t)
		}
	}
	for _, d := range []*device{a, b, c, a, b} {
		d.sync(t)
	}
	assertHeldOnPostgres(t, url, a, proxy.ackedFor(t, a))
	s2.run(t, "audit", "verify", "--db", url)
	assertConverged(t, s2, lacLuong, a, b, c)
	assertConverged(t, s1, lacLuong, a, b, c)
}

// assertHeldOnPostgres checks that the store at url holds of d's changes
// a gapless prefix, each equal to the laptop's, that its version vector
// says so, and that it holds at least acked.
func assertHeldOnPostgres(t *testing.T, url string, d *device, acked uint64) {
	t.Helper()
	ctx := context.Background()
	dev, srv := mustOpenRO(t, d.db, nil), mustOpenRO(t, url, registry.Migrations())
	site := dev.Site()
	mine, err := dev.Pending(ctx, site, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	held, err := srv.Pending(ctx, site, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) > len(mine) || !reflect.DeepEqual(held, mine[:len(held)]) {
		t.Fatalf("the server holds %d changes of the laptop that are not the first %d of its %d", len(held), len(held), len(mine))
	}
	vv, err := srv.Versions(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	if vv[site] != uint64(len(held)) {
		t.Fatalf("the server's version of the laptop is %d, its log holds %d of its changes", vv[site], len(held))
	}
	if acked > uint64(len(held)) {
		t.Fatalf("a server answered a push with #%d held, and the store holds %d", acked, len(held))
	}
}

// mustOpenRO opens a replica (a file or a PostgreSQL store) read-only,
// migrated with migs beside the domain's.
func mustOpenRO(t *testing.T, source string, migs []syncengine.Migration) *syncengine.DB {
	t.Helper()
	db, err := replica.Open(context.Background(), source, replica.Options{ReadOnly: true, Migrations: migs})
	if err != nil {
		t.Fatalf("open %s: %v", source, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
