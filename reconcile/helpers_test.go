package reconcile_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"hodan/internal/replica"
	"hodan/syncengine"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	lacLuong = "05362" // Xã Lạc Lương
	camGiang = "02008" // Xã Cẩm Giàng
)

// mustOpen opens a new Hodan database in t.TempDir().
func mustOpen(t testing.TB) *syncengine.DB {
	t.Helper()
	db, err := replica.Open(context.Background(), filepath.Join(t.TempDir(), "hodan.db"), replica.Options{})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustInsert inserts one row through the sync engine and returns its id.
func mustInsert(t testing.TB, db *syncengine.DB, table string, values map[string]any) string {
	t.Helper()
	var id syncengine.RowID
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	if err != nil {
		t.Fatalf("insert into %s %v: %v", table, values, err)
	}
	return id.String()
}

// mustMerge marks household drop merged into keep, as `hodan household
// merge` leaves it.
func mustMerge(t testing.TB, db *syncengine.DB, drop, keep string) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		return tx.Update("households", uuid.MustParse(drop), map[string]any{"merged_into": keep})
	})
	if err != nil {
		t.Fatalf("merge %s into %s: %v", drop, keep, err)
	}
}

// mustVillage records a village of commune and returns its id.
func mustVillage(t testing.TB, db *syncengine.DB, commune, name string) string {
	t.Helper()
	return mustInsert(t, db, "villages", map[string]any{"commune_code": commune, "name": name})
}

// household is a household to record: only the columns duplicates look at.
type household struct {
	commune, village, name string
	year                   int // 0: not recorded
	sex, ethnicity, phone  string
	number                 string
}

// mustHousehold records h and returns its id.
func mustHousehold(t testing.TB, db *syncengine.DB, h household) string {
	t.Helper()
	values := map[string]any{"commune_code": h.commune, "head_name": h.name}
	for col, v := range map[string]string{"village_id": h.village, "head_sex": h.sex, "ethnicity_code": h.ethnicity, "phone": h.phone, "household_number": h.number} {
		if v != "" {
			values[col] = v
		}
	}
	if h.year != 0 {
		values["head_birth_year"] = h.year
	}
	return mustInsert(t, db, "households", values)
}
