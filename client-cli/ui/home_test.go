package ui_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hodan/client-cli/ui"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// TestHomeSaysWhatWaits: the first page says from the start that the
// laptop's clock cannot be right and that a record waits to be settled
// (its household was deleted on another laptop); the record is settled
// in one of its three ways from the page the notice leads to.
func TestHomeSaysWhatWaits(t *testing.T) {
	srv := mustServer(t)
	wrongClock := func(c *ui.Config) { c.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, time.Local) } }
	s := mustApp(t, mustLaptop(t, srv, "Lò Văn Minh"), 0, wrongClock)
	other := mustLaptop(t, srv, "Hà Thị Lan")
	ctx := context.Background()
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	syncLaptop(t, s.db)
	syncLaptop(t, other)
	dev, _ := ops.LoadDevice(ctx, other)
	if _, err := ops.DeleteRecord(ctx, other, dev.Actor(), schema.Households, id, false); err != nil {
		t.Fatal(err)
	}
	syncLaptop(t, other)
	mine, _ := ops.LoadDevice(ctx, s.db)
	if _, err := ops.AddRecord(ctx, s.db, mine.Actor(), schema.Members, map[string]any{schema.ColHouseholdID: id, schema.ColFullName: "Lò Thị Hoa"}, ops.Day{}); err != nil {
		t.Fatal(err)
	}
	syncLaptop(t, s.db)

	b := mustBrowser(t)
	s.open(t, b)
	notices := strings.Join(texts(b, ".notice"), "\n")
	if !strings.Contains(notices, "Đồng hồ máy đang chỉ ngày 01/03/2020") {
		t.Errorf("no notice of the laptop's clock:\n%s", notices)
	}
	if !strings.Contains(notices, "chờ giải quyết") {
		t.Errorf("no notice of the record waiting to be settled:\n%s", notices)
	}
	shot(t, b, "ui-home-notices")
	clickAndWait(t, b, `.notice a[href="/conflicts#orphans"]`)
	ways := texts(b, ".orphan .ways button")
	if len(ways) != 3 {
		t.Fatalf("the orphan's ways: %q", ways)
	}
	shot(t, b, "ui-orphans")
	clickAndWait(t, b, ".orphan .ways form:first-child button")
	if got := b.Text(".flash"); !strings.Contains(got, "khôi phục") {
		t.Errorf("the flash after restoring: %q", got)
	}
	if n := count(t, s.db, schema.Households); n != 1 {
		t.Errorf("%d households after restoring, want 1", n)
	}
	if orphans, err := ops.Orphans(ctx, s.db, mine.Actor(), func(syncengine.SiteID) string { return "" }); err != nil || len(orphans) != 0 {
		t.Errorf("orphans left: %v %v", orphans, err)
	}
}

// TestCopiedLaptopSaysSo: a laptop whose database is a copy of another's
// says so after its sync, in the sync's result and on the first page,
// and loses nothing.
func TestCopiedLaptopSaysSo(t *testing.T) {
	srv := mustServer(t)
	dir := t.TempDir()
	first := mustLaptopAt(t, srv, "Lò Văn Minh", filepath.Join(dir, "hodan.db"))
	syncLaptop(t, first)
	copied := filepath.Join(dir, "copy.db")
	raw, err := sql.Open("sqlite3", filepath.Join(dir, "hodan.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec("VACUUM INTO ?", copied) // a consistent copy of the file, as a backup is
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	firstSite := &site{db: first}
	mustHousehold(t, firstSite, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	syncLaptop(t, first)

	s := mustApp(t, mustDBAt(t, copied), 0)
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Vi Văn Tám"})
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/sync"))
	clickAndWait(t, b, "#sync-button")
	if got := waitText(t, b, "#sync-result", "bản sao"); !strings.Contains(got, "không mất gì") {
		t.Errorf("the sync's result on a copy: %q", got)
	}
	b.Do(navigate(s.url + "/"))
	if got := strings.Join(texts(b, ".notice"), "\n"); !strings.Contains(got, "mã máy mới") {
		t.Errorf("the first page of a copy:\n%s", got)
	}
	shot(t, b, "ui-home-copy")
	if n := count(t, s.db, schema.Households); n != 2 {
		t.Errorf("%d households on the copy after its sync, want 2", n)
	}
}

// TestEnrollFromTheApp: on a laptop not enrolled yet the app opens on the
// enrollment form; a wrong code is said beside the form, the district's
// code enrolls it.
func TestEnrollFromTheApp(t *testing.T) {
	srv := mustServer(t)
	s := mustApp(t, mustDB(t), 0)
	b := mustBrowser(t)
	s.open(t, b)
	if got := path(b); got != "/enroll" {
		t.Fatalf("a laptop not enrolled opens on %s, want /enroll", got)
	}
	fill(t, b, map[string]string{"server": srv.url, "code": "AAAAA-BBBBB-CCCCC"})
	clickAndWait(t, b, "main button[type=submit]")
	if got := b.Text("main .flash.bad"); !strings.Contains(got, "mã mới") {
		t.Errorf("a wrong code: %q", got)
	}
	shot(t, b, "ui-enroll-refused")
	fill(t, b, map[string]string{"server": srv.url, "code": srv.enroll(t, "Lò Văn Minh")})
	clickAndWait(t, b, "main button[type=submit]")
	if got := b.Text(".flash"); !strings.Contains(got, "Lò Văn Minh") || path(b) != "/" {
		t.Errorf("after enrolling: %s, %q", path(b), got)
	}
}
