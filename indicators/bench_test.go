package indicators_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/indicators"
	"hodan/schema"
	"hodan/syncengine"
)

// BenchmarkReport measures a report of the year 2025 over a district of
// 100 communes of 3,000 households each (HODAN_BENCH_COMMUNES changes
// the number), built once through the engine: each household with two
// members, a visit, support to one in three, damage to one in twenty,
// and one in ten re-classified in November. It times:
//
//   - read: reading every row of the domain tables, the current state —
//     the unit the others are compared with;
//   - now: the report of the current data (the live tables, the
//     households' states at the period's start and the year before from
//     the log);
//   - open-conflicts: the counter of open conflicts a report of the
//     current data adds (syncengine's Conflicts over the whole log);
//   - as-of: the report as of 30/09/2025 (every table's state from the
//     log, before November's changes).
func BenchmarkReport(b *testing.B) {
	communes := 100
	if s := os.Getenv("HODAN_BENCH_COMMUNES"); s != "" {
		communes, _ = strconv.Atoi(s)
	}
	s := benchServer(b, communes)
	ctx := context.Background()
	year, _ := indicators.ParsePeriod("2025")
	now := indicators.Day(2026, 1, 20)
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			readAll(b, s.DB.SQL())
		}
	})
	b.Run("now", func(b *testing.B) {
		p := indicators.Params{Period: year, Now: now}
		for b.Loop() {
			if _, err := indicators.Compute(ctx, s.DB, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open-conflicts", func(b *testing.B) {
		count := indicators.OpenConflicts(s.DB)
		for b.Loop() {
			if _, err := count(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("as-of", func(b *testing.B) {
		p := indicators.Params{Period: year, Now: now, AsOf: indicators.Day(2025, 9, 30)}
		for b.Loop() {
			if _, err := indicators.Compute(ctx, s.DB, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchServer opens the benchmark's district: at $HODAN_BENCH_DB if set
// (built there the first time, kept for the next runs), else in a
// temporary directory.
func benchServer(b *testing.B, communes int) *server {
	path := os.Getenv("HODAN_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "server.db")
	}
	_, err := os.Stat(path)
	s := mustServerAt(b, path)
	if err == nil {
		return s
	}
	start := time.Now()
	changes := seedDistrict(b, s, communes, 3000)
	b.Logf("fixture: %d communes × 3,000 households, %d changes, built in %s", communes, changes, time.Since(start).Round(time.Second))
	return s
}

// readAll reads every column of every row of the domain tables.
func readAll(b *testing.B, db *sql.DB) {
	for _, t := range schema.Tables() {
		rows, err := db.Query(`SELECT * FROM ` + t.Name)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// seedDistrict records n households in each of communes communes, a
// commune a transaction, and returns how many changes the log holds.
func seedDistrict(b *testing.B, s *server, communes, n int) int {
	codes := schema.Communes2025()
	rng := rand.New(rand.NewPCG(1, 2))
	var later []string
	s.On("01/03/2025")
	for c := range communes {
		commune := codes[c].Code
		s.Write(func(tx *syncengine.Tx) error {
			ids, err := seedCommune(tx, rng, commune, n)
			for _, id := range ids {
				if rng.IntN(10) == 0 {
					later = append(later, id)
				}
			}
			return err
		})
	}
	s.On("15/11/2025")
	s.Write(func(tx *syncengine.Tx) error {
		for _, id := range later {
			if err := tx.Update("households", syncengine.RowID(uuid.MustParse(id)), map[string]any{"poverty_status": "escaped_poverty"}); err != nil {
				return err
			}
		}
		return nil
	})
	var count int
	if err := s.DB.SQL().QueryRow(`SELECT count(*) FROM sync_log`).Scan(&count); err != nil {
		b.Fatal(err)
	}
	return count
}

var (
	benchStatuses    = []string{"poor", "poor", "near_poor", "not_poor", "not_poor", "not_poor", "escaped_poverty", "medium_income"}
	benchEthnicities = []string{"01", "01", "02", "03", "06", "08", "09", "02", "03", "06"}
	benchKinds       = []string{"new_house", "house_repair", "distributed_water", "livelihood", "gift", "health_insurance"}
	benchPurposes    = []string{"poverty_review", "support_delivery", "damage_assessment", "prestige_visit", "follow_up"}
)

// seedCommune records one commune's households with their members,
// visits, support and damage, and returns the households' ids.
func seedCommune(tx *syncengine.Tx, rng *rand.Rand, commune string, n int) ([]string, error) {
	village, err := tx.Insert("villages", map[string]any{"commune_code": commune, "name": "Thôn 1"})
	if err != nil {
		return nil, err
	}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	day := func() string { return fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)) }
	ids := make([]string, n)
	for i := range n {
		h, err := tx.Insert("households", map[string]any{"commune_code": commune, "village_id": village.String(),
			"household_number": strconv.Itoa(i + 1), "head_name": fmt.Sprintf("Bùi Văn %d", i), "head_birth_year": 1950 + rng.IntN(50),
			"head_sex": "male", "ethnicity_code": pick(benchEthnicities), "poverty_status": pick(benchStatuses),
			"poverty_standard": "nd07_2021", "poverty_year": 2025, "housing_condition": "semi_solid", "water_source": "spring",
			"hygienic_latrine": rng.IntN(2)})
		if err != nil {
			return nil, err
		}
		ids[i] = h.String()
		for m := range 2 {
			if _, err := tx.Insert("members", map[string]any{"household_id": ids[i], "full_name": fmt.Sprintf("Bùi Thị %d", m),
				"birth_year": 1960 + rng.IntN(60), "sex": "female", "health_insurance": rng.IntN(10) > 1, "is_prestige": rng.IntN(50) == 0}); err != nil {
				return nil, err
			}
		}
		v, err := tx.Insert("visits", map[string]any{"household_id": ids[i], "visit_date": day(), "purpose": pick(benchPurposes)})
		if err != nil {
			return nil, err
		}
		if rng.IntN(3) == 0 {
			if _, err := tx.Insert("support_records", map[string]any{"household_id": ids[i], "visit_id": v.String(), "program": "ntp_1719",
				"kind": pick(benchKinds), "status": "delivered", "delivered_date": day(), "amount_vnd": 1_000_000 * (1 + rng.IntN(40)), "quantity": 1}); err != nil {
				return nil, err
			}
		}
		if rng.IntN(20) == 0 {
			if _, err := tx.Insert("damage_reports", map[string]any{"household_id": ids[i], "visit_id": v.String(), "event": "Bão Yagi",
				"event_date": "2025-09-07", "house_damage": "partial", "estimated_loss_vnd": 5_000_000}); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}
