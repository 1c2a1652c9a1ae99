package e2e

import (
	"fmt"
	"io"
	"os"
	"testing"
)

// TestInterruptedPushResumes cuts pushes off twice, once mid-body and once
// after the server committed but before the device heard, and checks that
// the next sync completes with nothing lost and nothing twice.
func TestInterruptedPushResumes(t *testing.T) {
	srv := startServer(t, serverDB(t))
	proxy, via := startProxy(t, srv.url)
	a := newDevice(t, "a")
	a.run(t, "init", "--server", via, "--enroll", srv.enroll(t, "Lò Văn Minh", lacLuong))
	for i := 0; i < 12; i++ {
		h := a.add(t, "household", "--head-name", fmt.Sprintf("Hộ số %d", i), "--household-number", fmt.Sprint(i))
		a.add(t, "visit", "--household-id", h, "--purpose", "follow_up")
	}
	own := int(a.status(t)["pending"].(float64))

	proxy.breakPush(2, truncate)
	proxy.breakPush(5, dropAnswer)
	if _, _, err := a.try("sync", "--batch", "10"); err == nil {
		t.Fatal("the first sync succeeded through a truncated push")
	}
	if _, _, err := a.try("sync", "--batch", "10"); err == nil {
		t.Fatal("the second sync succeeded though its answer was dropped")
	}
	if got := srv.logLength(t); got == 0 || got >= own {
		t.Fatalf("after two broken syncs the server holds %d of %d changes", got, own)
	}
	res := a.sync(t, "--batch", "10")
	if res.Pushed == 0 || res.Rejected != 0 {
		t.Fatalf("resumed sync: %+v", res)
	}
	if got := srv.logLength(t); got != own {
		t.Fatalf("server log holds %d changes, the device wrote %d", got, own)
	}
	if a.status(t)["pending"].(float64) != 0 {
		t.Error("changes still pending")
	}
	assertConverged(t, srv, lacLuong, a)
}

// TestServerRestoredFromOlderCopy restores the server's store from a copy
// taken, the server stopped, before some syncs (its file, or in the
// PostgreSQL run a pg_dump restored into the emptied database): the
// devices' next syncs give it back what it lost, and everyone converges.
func TestServerRestoredFromOlderCopy(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	h1 := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	a.sync(t)
	b.sync(t)

	srv.stop()
	restore := backupStore(t, srv.db)
	srv = srv.restart(t)

	h2 := a.add(t, "household", "--head-name", "Lò Thị Mai")
	a.run(t, "household", "set", h1, "poverty_status=poor")
	a.sync(t)
	h3 := b.add(t, "household", "--head-name", "Hoàng A Sử")
	b.sync(t)
	b.sync(t)

	srv.stop()
	restore()
	srv = srv.restart(t)
	if got := srv.logLength(t); got == 0 {
		t.Fatal("restored server is empty")
	}

	// a writes more after the restore, so that the server's new log grows
	// past b's old cursor with different entries: b must notice (by the
	// cursor's fingerprint) and catch up in full, or it would miss h4.
	h4 := a.add(t, "household", "--head-name", "Vàng A Chứ")
	syncAll(t, a, b)
	if !ids(b.list(t, "household"))[h4] {
		t.Error("b missed a household written after the restore")
	}
	fresh := enrolled(t, srv, "fresh", "Triệu Thị Hằng", lacLuong)
	fresh.sync(t)
	got := ids(fresh.list(t, "household"))
	for _, h := range []string{h1, h2, h3, h4} {
		if !got[h] {
			t.Errorf("household %s is missing on the restored server", h)
		}
	}
	if fresh.show(t, "household", h1)["poverty_status"] != "poor" {
		t.Error("an edit the restored server lost did not come back")
	}
	assertConverged(t, srv, lacLuong, a, b, fresh)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
