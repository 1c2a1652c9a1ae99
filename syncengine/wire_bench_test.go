package syncengine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"hodan/internal/replica"
	"hodan/syncengine"
)

// addHouseholds inserts n households, each with members members, into a
// device database (a new one if db is nil) and returns it.
func addHouseholds(tb testing.TB, db *syncengine.DB, n, members int) *syncengine.DB {
	tb.Helper()
	ctx := context.Background()
	if db == nil {
		var err error
		if db, err = replica.Open(ctx, filepath.Join(tb.TempDir(), "day.db"), replica.Options{}); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
	}
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		for i := 0; i < n; i++ {
			h, err := tx.Insert("households", map[string]any{
				"commune_code": "05362", "household_number": fmt.Sprintf("LL-%03d", i), "head_name": fmt.Sprintf("Bùi Văn Thảo %d", i),
				"head_birth_year": int64(1970 + i), "head_sex": "male", "ethnicity_code": "06", "ethnicity_system": "qd121_1979",
				"poverty_status": "poor", "poverty_standard": "nd07_2021", "housing_condition": "makeshift", "water_source": "spring",
			})
			if err != nil {
				return err
			}
			for j := 0; j < members; j++ {
				if _, err := tx.Insert("members", map[string]any{
					"household_id": h.String(), "full_name": fmt.Sprintf("Bùi Thị Hoa %d", j), "birth_year": int64(1980 + j),
					"sex": "female", "relation": "child", "ethnicity_code": "06", "health_insurance": int64(1),
				}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// BenchmarkWireDay measures the bytes a day's push costs per changed cell,
// gzipped as sent: the day's work after the households that already
// existed (5 new households with members, 10 edits, 40 visits), in the
// protocol's compact encoding and in the JSON old peers still speak.
func BenchmarkWireDay(b *testing.B) {
	changes := dayChanges(b)
	cells := countCells(changes)
	for _, m := range []wireMessage{compactMessage(false), jsonMessage(false)} {
		b.Run(m.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				if err := m.enc(zw, changes); err != nil {
					b.Fatal(err)
				}
				zw.Close()
				size = buf.Len()
			}
			b.ReportMetric(float64(cells), "cells")
			b.ReportMetric(float64(size), "bytes")
			b.ReportMetric(float64(size)/float64(cells), "bytes/cell")
		})
	}
}

// dayChanges records an officer's day on a device that already holds 10
// households (5 new households of 4 members, an edit of 3 cells to each of
// the 10, 40 visits; one transaction) and returns the day's changes, as
// the device would push them.
func dayChanges(tb testing.TB) []syncengine.Change {
	tb.Helper()
	ctx := context.Background()
	db := addHouseholds(tb, nil, 10, 0) // recorded and synced on earlier days
	before, err := db.OwnSeq(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ids := householdIDs(tb, db)
	addHouseholds(tb, db, 5, 4)
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		for i, h := range ids {
			if err := tx.Update("households", h, map[string]any{"poverty_status": "near_poor", "income_score": int64(120 + i), "deprivation_score": int64(30)}); err != nil {
				return err
			}
		}
		return insertVisits(tx, ids, 40)
	})
	if err != nil {
		tb.Fatal(err)
	}
	changes, err := db.Pending(ctx, db.Site(), before, 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return changes
}

// insertVisits records n poverty-review visits, to the households in turn.
func insertVisits(tx *syncengine.Tx, households []syncengine.RowID, n int) error {
	for i := 0; i < n; i++ {
		if _, err := tx.Insert("visits", map[string]any{
			"household_id": households[i%len(households)].String(), "officer": "Lò Văn Minh", "visit_date": "2026-11-23", "purpose": "poverty_review",
			"form_id": "poverty_review", "form_version": int64(1), "answers": `{"income_per_person": 1200000, "deprived": ["cleanWater", "housingQuality"]}`,
			"notes": "Nhà tạm, mái dột, cần hỗ trợ", "latitude": 20.7061, "longitude": 105.6193,
		}); err != nil {
			return err
		}
	}
	return nil
}

// countCells counts the changes that write a cell, not a row's existence.
func countCells(changes []syncengine.Change) int {
	cells := 0
	for _, c := range changes {
		if !c.IsExists() {
			cells++
		}
	}
	return cells
}

func householdIDs(tb testing.TB, db *syncengine.DB) []syncengine.RowID {
	tb.Helper()
	rows, err := db.SQL().Query(`SELECT id FROM households ORDER BY household_number`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var ids []syncengine.RowID
	for rows.Next() {
		var s string
		rows.Scan(&s)
		var id syncengine.RowID
		if err := id.UnmarshalText([]byte(s)); err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
