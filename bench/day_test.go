package bench

import (
	"context"
	"fmt"
	"testing"

	"hodan/syncengine"
)

// household is what an officer records for one new household.
func household(n int) map[string]any {
	return map[string]any{
		"commune_code": commune, "household_number": fmt.Sprintf("LL-%05d", n), "head_name": fmt.Sprintf("Bùi Văn Thảo %d", n),
		"head_birth_year": int64(1950 + n%50), "head_sex": "male", "ethnicity_code": "06", "ethnicity_system": "qd121_1979",
		"poverty_status": "poor", "poverty_standard": "nd07_2021", "housing_condition": "makeshift", "water_source": "spring",
	}
}

// member is one person of household h.
func member(h syncengine.RowID, n int) map[string]any {
	return map[string]any{
		"household_id": h.String(), "full_name": fmt.Sprintf("Bùi Thị Hoa %d", n), "birth_year": int64(1960 + n%60),
		"sex": "female", "relation": "child", "ethnicity_code": "06", "health_insurance": int64(1),
	}
}

// visit is one poverty review of household h.
func visit(h syncengine.RowID) map[string]any {
	return map[string]any{
		"household_id": h.String(), "officer": "Lò Văn Minh", "visit_date": "2026-11-23", "purpose": "poverty_review",
		"form_id": "poverty_review", "form_version": int64(1), "answers": `{"income_per_person": 1200000, "deprived": ["cleanWater", "housingQuality"]}`,
		"notes": "Nhà tạm, mái dột, cần hỗ trợ", "latitude": 20.7061, "longitude": 105.6193,
	}
}

// mustHouseholds records n households numbered from first, each with
// members members, in one transaction, and returns their ids.
func mustHouseholds(b testing.TB, db *syncengine.DB, first, n, members int) []syncengine.RowID {
	b.Helper()
	var ids []syncengine.RowID
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		for i := first; i < first+n; i++ {
			h, err := tx.Insert("households", household(i))
			if err != nil {
				return err
			}
			ids = append(ids, h)
			for j := 0; j < members; j++ {
				if _, err := tx.Insert("members", member(h, i*members+j)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("record households: %v", err)
	}
	return ids
}

// mustDay records an officer's day, one command (one transaction) at a
// time as the CLI does: 5 new households of 4 members, 10 edits of known
// households, 40 visits. first numbers the new households. It returns the
// cells written (row-existence changes not counted).
func mustDay(b testing.TB, db *syncengine.DB, known []syncengine.RowID, first int) int {
	b.Helper()
	ctx := context.Background()
	before, err := db.OwnSeq(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		mustHouseholds(b, db, first+i, 1, 4)
	}
	for i := 0; i < 50; i++ {
		h := known[i%len(known)]
		err := db.Write(ctx, func(tx *syncengine.Tx) error {
			if i < 10 {
				return tx.Update("households", h, map[string]any{"poverty_status": "near_poor", "income_score": int64(120 + i), "deprivation_score": int64(30)})
			}
			_, err := tx.Insert("visits", visit(h))
			return err
		})
		if err != nil {
			b.Fatalf("record the day: %v", err)
		}
	}
	changes, err := db.Pending(ctx, db.Site(), before, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	cells := 0
	for _, c := range changes {
		if !c.IsExists() {
			cells++
		}
	}
	return cells
}
