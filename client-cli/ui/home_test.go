package ui_test

import (
	"context"
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
