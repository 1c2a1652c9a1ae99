package ui_test

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"hodan/ops"
	"hodan/schema"
)

// TestLongNamesFit: a head of household, a member and a village with
// names of 60 letters fit the laptop's screen on every page that shows
// them.
func TestLongNamesFit(t *testing.T) {
	const head = "Hoàng Thị Phương Thảo Lường Cầm Sầm Quàng Đinh Vi Nguyễn Lò"
	const village = "Bản Nà Khương Trên Thượng Nguồn Suối Nậm Lạnh Xóm Đồi Chè Ba"
	if n := utf8.RuneCountInString(head); n < 58 {
		t.Fatalf("the name has %d letters", n)
	}
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	ctx := context.Background()
	dev, _ := ops.LoadDevice(ctx, s.db)
	day := ops.Day{Date: time.Now().Format(time.DateOnly)}
	v, err := ops.AddRecord(ctx, s.db, dev.Actor(), schema.Villages, map[string]any{schema.ColCommuneCode: lacLuong, schema.ColName: village}, day)
	if err != nil {
		t.Fatal(err)
	}
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: head, schema.ColHouseholdNumber: "1234567", schema.ColVillageID: v.String()})
	if _, err := ops.AddRecord(ctx, s.db, dev.Actor(), schema.Members, map[string]any{schema.ColHouseholdID: id, schema.ColFullName: head, "relation": "spouse"}, day); err != nil {
		t.Fatal(err)
	}
	b := mustBrowser(t)
	s.open(t, b)
	for name, path := range map[string]string{"households": "/households", "household": "/households/" + id, "villages": "/villages",
		"edit": "/records/households/" + id + "/edit", "delete": "/records/households/" + id + "/delete", "history": "/records/households/" + id + "/history",
		"forms": "/households/" + id + "/visit"} {
		b.Do(navigate(s.url + path))
		shot(t, b, "ui-long-"+name)
	}
}
