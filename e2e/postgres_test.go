package e2e

import (
	"fmt"
	"testing"

	"golang.org/x/sync/errgroup"
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
	postgresOnly(t)
	url := serverDB(t)
	cr := newCrashRun(t, 4)
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
		assertPushHeld(t, a, s2, proxy.ackedFor(t, a))
		s1.run(t, "audit", "verify", "--db", url)
		if landed {
			s1 = s1.restart(t)
		}
	}
	for _, d := range []*device{a, b, c, a, b} {
		d.sync(t)
	}
	assertPushHeld(t, a, s2, proxy.ackedFor(t, a))
	s2.run(t, "audit", "verify", "--db", url)
	assertConverged(t, s2, lacLuong, a, b, c)
	assertConverged(t, s1, lacLuong, a, b, c)
}
