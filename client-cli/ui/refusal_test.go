package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// TestRefusalSaysTheRule: a real server refuses two kinds of change the
// laptop took — a visit dated 1980 (written by an older hodan whose clock
// battery died) and a household of a commune the laptop is not enrolled
// for — and names the rule each broke. After the laptop's sync, what
// `hodan status` and the sync page say of each names the field by its
// label, or the commune by its name, in Vietnamese and in English: not
// the code's bare meaning («giá trị không hợp lệ»).
func TestRefusalSaysTheRule(t *testing.T) {
	ctx := context.Background()
	db := mustLaptop(t, mustServer(t), "Lò Văn Minh")
	dev, err := ops.LoadDevice(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ops.AddRecord(ctx, db, dev.Actor(), schema.Households, map[string]any{schema.ColCommuneCode: lacLuong, schema.ColHeadName: "Lò Văn Sáu"},
		ops.Day{Date: time.Now().Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	other := otherCommune(t)
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		if _, err := tx.Insert("visits", map[string]any{"household_id": id.String(), "visit_date": "1980-01-01", "purpose": "follow_up", "officer": "Lò Văn Minh"}); err != nil {
			return err
		}
		_, err := tx.Insert("households", map[string]any{"commune_code": other.Code, "head_name": "Vì Văn Thắng"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := syncLaptop(t, db); res.Rejected == 0 {
		t.Fatalf("the server took both: %+v", res)
	}
	refused, err := db.RejectedChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		syncengine.CodeInvalidValue: {
			"(invalid_value): Ngày thăm: ngày 01/01/1980 là trước 01/01/2000",
			"(invalid_value): Visit date: 01/01/1980 is before 01/01/2000",
		},
		syncengine.CodeOutOfScope: {
			"(out_of_scope): thay đổi thuộc " + other.Name + ", không nằm trong các xã được giao cho máy này",
			"(out_of_scope): a change belongs to " + other.Name + ", which is not among the communes this laptop is enrolled for",
		},
	}
	seen := map[string]bool{}
	for _, rc := range refused {
		seen[rc.Code] = true
		for i, l := range []i18n.Lang{i18n.VI, i18n.EN} {
			if got := ops.RejectionText(l, rc.Rejection); !strings.Contains(got, want[rc.Code][i]) {
				t.Errorf("#%d in %s: %q, want %q in it", rc.Seq, l, got, want[rc.Code][i])
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("refusals of %v, want %d kinds: %+v", seen, len(want), refused)
	}
}

// otherCommune is a commune the laptops of these tests are not enrolled
// for.
func otherCommune(t *testing.T) schema.Commune {
	t.Helper()
	for _, c := range schema.Communes2025() {
		if c.Code != lacLuong {
			return c
		}
	}
	t.Fatal("no commune but Lạc Lương")
	return schema.Commune{}
}
