package e2e

import (
	"strings"
	"testing"
)

// TestNewLaptopStartsFromASnapshot: a new laptop's first hodan sync
// --snapshot adopts the server's snapshot of its commune and ends with the
// commune as the server holds it; by default (and with --no-snapshot,
// kept for scripts) it pulls change by change to the same state; a laptop
// that already synced never takes a snapshot again.
func TestNewLaptopStartsFromASnapshot(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	for _, name := range []string{"Bùi Văn Thảo", "Hà Thị Lan", "Triệu Văn Dũng"} {
		a.add(t, "household", "--head-name", name)
	}
	a.sync(t)
	want := srv.digest(t, lacLuong)

	fresh := enrolled(t, srv, "fresh", "Hà Thị Lan", lacLuong)
	res := fresh.sync(t, "--snapshot")
	if res.SnapshotBytes == 0 || res.SnapshotChanges == 0 || res.SnapshotSkipped != "" {
		t.Errorf("first sync of a new laptop: %+v, want a snapshot adopted", res)
	}
	if got := fresh.digest(t, lacLuong); got != want {
		t.Errorf("after the snapshot: digest %s, server %s", got, want)
	}

	for _, flags := range [][]string{nil, {"--no-snapshot"}} {
		slow := enrolled(t, srv, "slow"+strings.Join(flags, ""), "Triệu Văn Dũng", lacLuong)
		res = slow.sync(t, flags...)
		if res.SnapshotBytes != 0 || res.Pulled == 0 {
			t.Errorf("first sync with %q: %+v, want a pull change by change", flags, res)
		}
		if got := slow.digest(t, lacLuong); got != want {
			t.Errorf("after pulling change by change (%q): digest %s, server %s", flags, got, want)
		}
	}

	// In words, in Vietnamese, the officer is told where the data came from.
	words := enrolled(t, srv, "words", "Lò Văn Minh", lacLuong)
	out, errOut, err := runIn("vi", bin.client, "--db", words.db, "sync", "--snapshot")
	if err != nil || !strings.Contains(out, "bản chụp dữ liệu của xã") {
		t.Errorf("first sync in words: %v\n%s%s", err, out, errOut)
	}

	a.add(t, "household", "--head-name", "Hoàng Văn Sinh")
	a.sync(t)
	if res := fresh.sync(t); res.SnapshotBytes != 0 || res.Pulled == 0 {
		t.Errorf("second sync: %+v, want the new household pulled, no snapshot", res)
	}
	if got, want := fresh.digest(t, lacLuong), srv.digest(t, lacLuong); got != want {
		t.Errorf("after the second sync: digest %s, server %s", got, want)
	}
}
