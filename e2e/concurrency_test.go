package e2e

import (
	"fmt"
	"testing"

	"golang.org/x/sync/errgroup"
)

// TestOfficersSyncingAtOnceConverge: six officers of one commune, each
// with a day's records, sync at the same moment, twice; all converge.
func TestOfficersSyncingAtOnceConverge(t *testing.T) {
	srv := startServer(t, serverDB(t))
	devs := make([]*device, 6)
	for i := range devs {
		devs[i] = enrolled(t, srv, fmt.Sprintf("d%d", i), fmt.Sprintf("Cán bộ %d", i), lacLuong)
		for j := 0; j < 3; j++ {
			h := devs[i].add(t, "household", "--head-name", fmt.Sprintf("Hộ %d-%d", i, j))
			devs[i].add(t, "visit", "--household-id", h, "--purpose", "follow_up")
		}
	}
	for round := 0; round < 2; round++ {
		var g errgroup.Group
		for _, d := range devs {
			g.Go(func() error {
				_, errOut, err := d.try("sync", "--batch", "4")
				if err != nil {
					return fmt.Errorf("%s: %v: %s", d.db, err, errOut)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range devs {
		if n := len(d.list(t, "household")); n != 3*len(devs) {
			t.Errorf("%s holds %d households, want %d", d.db, n, 3*len(devs))
		}
	}
	assertConverged(t, srv, lacLuong, devs...)
}
