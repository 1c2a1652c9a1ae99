package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// A laptop's database file put back from an older copy, or copied onto a
// second laptop, must lose nothing: the copy notices at its next sync that
// the server holds other changes under its site id, continues under a new
// one, and every record written on either copy reaches the server and
// every laptop (DESIGN.md, Identity).

// TestRestoredLaptopLosesNothing: a household, a sync, a copy of the file;
// another household, a sync; the copy put back, more recorded on it (none,
// as many changes as the lost life wrote, or more), a sync. Every household
// of both lives is then on the server and on the laptop, and status tells
// the truth at each step.
func TestRestoredLaptopLosesNothing(t *testing.T) {
	for _, more := range []int{0, 1, 2} {
		t.Run(fmt.Sprintf("%d households after the restore", more), func(t *testing.T) {
			srv := startServer(t, serverDB(t))
			a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
			h1 := a.add(t, "household", "--head-name", "Bùi Văn Thảo", "--household-number", "1")
			a.sync(t)
			backup := a.db + ".backup"
			copyFile(t, a.db, backup)
			h2 := a.add(t, "household", "--head-name", "Lò Thị Mai", "--household-number", "2")
			lost := pending(t, a)
			a.sync(t)

			restoreFile(t, backup, a.db)
			want := []string{h1, h2}
			for i := 0; i < more; i++ {
				want = append(want, a.add(t, "household", "--head-name", fmt.Sprintf("Hoàng A Sử %d", i), "--household-number", fmt.Sprint(3+i)))
			}
			written := pending(t, a)
			if (more == 0) != (written == 0) {
				t.Fatalf("status says %d changes wait after %d households were recorded on the restored copy", written, more)
			}
			var res forkResult
			if more == 1 {
				// As the officer reads it, in Vietnamese: the fork is then
				// read from status.
				out, errOut, err := runIn("", bin.client, "--db", a.db, "sync")
				if err != nil {
					t.Fatalf("hodan sync: %v\n%s", err, errOut)
				}
				for _, want := range []string{"là một bản sao cũ của nó, hoặc một bản sao đang được dùng trên một máy khác",
					fmt.Sprintf("Máy chủ đã có %d thay đổi từ bản kia", lost), fmt.Sprintf("%d thay đổi ghi trên máy này tiếp tục dưới một mã máy mới", written),
					"không mất gì", fmt.Sprintf("Đã gửi %d thay đổi", written)} {
					if !strings.Contains(out, want) {
						t.Errorf("hodan sync says:\n%s\nwithout %q", out, want)
					}
				}
				res.Pushed, res.Fork = written, statusFork(t, a)
			} else {
				res = syncFork(t, a)
			}
			if res.Fork == nil || res.Fork.Moved != written || res.Fork.ServerHeld-res.Fork.At != uint64(lost) {
				t.Fatalf("the sync of the restored copy: %+v, fork %+v; want %d changes moved, %d the server had from the other copy", res, res.Fork, written, lost)
			}
			if res.Pushed != written || pending(t, a) != 0 {
				t.Fatalf("the restored copy sent %d of its %d changes; status says %d wait", res.Pushed, written, pending(t, a))
			}
			assertIdentityShown(t, a, true)
			fresh := enrolled(t, srv, "fresh", "Triệu Thị Hằng", lacLuong)
			syncAll(t, a, fresh)
			assertIdentityShown(t, a, false)
			assertHolds(t, want, a, fresh)
			assertConverged(t, srv, lacLuong, a, fresh)

			h := a.add(t, "household", "--head-name", "Vàng A Chứ")
			syncAll(t, a, fresh)
			assertHolds(t, append(want, h), a, fresh)
			assertConverged(t, srv, lacLuong, a, fresh)
		})
	}
}

// TestClonedLaptopLosesNothing: one enrolled file copied onto a second
// laptop, both recording and syncing, in both orders. The copy that syncs
// second continues under a new identity; both go on working, and every
// household recorded on either reaches the server and both laptops.
func TestClonedLaptopLosesNothing(t *testing.T) {
	for _, cloneFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("clone syncs first %v", cloneFirst), func(t *testing.T) {
			srv := startServer(t, serverDB(t))
			a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
			h0 := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
			a.sync(t)
			c := newDevice(t, "clone")
			copyFile(t, a.db, c.db)

			ha := a.add(t, "household", "--head-name", "Lò Thị Mai")
			hc := c.add(t, "household", "--head-name", "Hoàng A Sử")
			first, second := a, c
			if cloneFirst {
				first, second = c, a
			}
			if pending(t, first) == 0 || pending(t, second) == 0 {
				t.Fatal("status says nothing waits on a laptop that recorded a household")
			}
			if res := syncFork(t, first); res.Fork != nil || pending(t, first) != 0 {
				t.Fatalf("the first copy to sync: %+v, fork %+v", res, res.Fork)
			}
			written := pending(t, second)
			res := syncFork(t, second)
			if res.Fork == nil || res.Fork.Moved != written || res.Pushed != written || pending(t, second) != 0 {
				t.Fatalf("the second copy to sync: %+v, fork %+v; want its %d changes moved and sent", res, res.Fork, written)
			}
			assertIdentityShown(t, second, true)
			assertIdentityShown(t, first, false)
			if list := srv.run(t, "device", "list", "--db", srv.db); !strings.Contains(list, "copy of "+res.Fork.From) {
				t.Errorf("hodan-server device list does not show the copy:\n%s", list)
			}
			syncAll(t, a, c)
			assertHolds(t, []string{h0, ha, hc}, a, c)
			assertConverged(t, srv, lacLuong, a, c)

			// Both go on: the copy under its old identity, the other under
			// its new one.
			ha2 := a.add(t, "household", "--head-name", "Vàng A Chứ")
			hc2 := c.add(t, "household", "--head-name", "Giàng Thị Dợ")
			syncAll(t, a, c)
			fresh := enrolled(t, srv, "fresh", "Triệu Thị Hằng", lacLuong)
			fresh.sync(t)
			assertHolds(t, []string{h0, ha, hc, ha2, hc2}, a, c, fresh)
			assertConverged(t, srv, lacLuong, a, c, fresh)
			if pending(t, a) != 0 || pending(t, c) != 0 {
				t.Fatal("changes still wait after everyone synced")
			}
		})
	}
}

// forkResult is what `hodan sync --json` says, with the fork it made.
type forkResult struct {
	Pushed int       `json:"pushed"`
	Pulled int       `json:"pulled"`
	Fork   *forkJSON `json:"fork"`
}

// forkJSON is a fork as `hodan sync --json` and `hodan status --json` give it.
type forkJSON struct {
	From       string `json:"from"`
	To         string `json:"to"`
	At         uint64 `json:"at"`
	Moved      int    `json:"moved"`
	ServerHeld uint64 `json:"server_held"`
}

// statusFork is the fork `hodan status --json` shows, if any.
func statusFork(t *testing.T, d *device) *forkJSON {
	t.Helper()
	var st struct{ Fork *forkJSON }
	mustJSON(t, d.run(t, "status"), &st)
	return st.Fork
}

func syncFork(t *testing.T, d *device) forkResult {
	t.Helper()
	var res forkResult
	mustJSON(t, d.run(t, "sync"), &res)
	return res
}

// pending is how many changes status says wait to be sent.
func pending(t *testing.T, d *device) int {
	t.Helper()
	return int(d.status(t)["pending"].(float64))
}

// assertIdentityShown checks that status says, or does not say, that the
// laptop continued under a new identity.
func assertIdentityShown(t *testing.T, d *device, want bool) {
	t.Helper()
	_, shown := d.status(t)["fork"]
	if shown != want {
		t.Fatalf("status shows a new identity: %v, want %v", shown, want)
	}
}

// assertHolds checks that every device lists every household.
func assertHolds(t *testing.T, households []string, devs ...*device) {
	t.Helper()
	for _, d := range devs {
		got := ids(d.list(t, "household"))
		for _, h := range households {
			if !got[h] {
				t.Errorf("%s lacks household %s", d.db, h)
			}
		}
	}
}

// restoreFile puts an older copy of a laptop's database back in its place.
func restoreFile(t *testing.T, backup, db string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	copyFile(t, backup, db)
}
