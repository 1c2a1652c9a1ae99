package indicators_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/indicators"
	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// Two communes of the two-tier system in force since 1 July 2025.
const (
	communeA = "05362" // Xã Lạc Lương
	communeB = "02008" // Xã Cẩm Giàng
)

// clock is a wall clock the test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// server is a district server's database, written through the engine,
// on a clock the test sets.
type server struct {
	t     testing.TB
	db    *syncengine.DB
	clock *clock
}

func mustServer(t testing.TB) *server {
	t.Helper()
	return mustServerAt(t, filepath.Join(t.TempDir(), "server.db"))
}

// mustServerAt opens (or creates) the server database at path.
func mustServerAt(t testing.TB, path string) *server {
	t.Helper()
	clk := &clock{t: time.Now()}
	db, err := replica.Open(context.Background(), path, replica.Options{Migrations: append(registry.Migrations(), indicators.Migrations()...), Now: clk.now})
	if err != nil {
		t.Fatalf("open server database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &server{t: t, db: db, clock: clk}
}

// on sets the server's clock to 10:00 of day (dd/mm/yyyy), Vietnam time.
func (s *server) on(day string) {
	s.t.Helper()
	d, err := indicators.ParseDate(day)
	if err != nil {
		s.t.Fatal(err)
	}
	s.clock.set(d.Add(10 * time.Hour))
}

func (s *server) write(fn func(tx *syncengine.Tx) error) {
	s.t.Helper()
	if err := s.db.Write(context.Background(), fn); err != nil {
		s.t.Fatalf("write: %v", err)
	}
}

func (s *server) insert(table string, values map[string]any) string {
	s.t.Helper()
	var id syncengine.RowID
	s.write(func(tx *syncengine.Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	return id.String()
}

func (s *server) set(table, id string, values map[string]any) {
	s.t.Helper()
	s.write(func(tx *syncengine.Tx) error { return tx.Update(table, syncengine.RowID(mustUUID(s.t, id)), values) })
}

func (s *server) delete(table, id string) {
	s.t.Helper()
	s.write(func(tx *syncengine.Tx) error { return tx.Delete(table, syncengine.RowID(mustUUID(s.t, id))) })
}

func (s *server) household(commune, head, status, ethnicity string) string {
	s.t.Helper()
	v := map[string]any{"commune_code": commune, "head_name": head, "poverty_status": status, "ethnicity_code": ethnicity}
	if status != "not_poor" {
		v["poverty_standard"] = "nd07_2021"
	}
	return s.insert("households", v)
}

func (s *server) member(household, name string, insured, prestige bool) string {
	s.t.Helper()
	return s.insert("members", map[string]any{"household_id": household, "full_name": name,
		"health_insurance": insured, "is_prestige": prestige})
}

// support records support: program, project, kind, status, its date
// (delivered, or planned for a plan), amount and quantity.
func (s *server) support(household, program, project, kind, status, date string, amount int64, quantity float64) string {
	s.t.Helper()
	v := map[string]any{"household_id": household, "program": program, "kind": kind, "status": status,
		"amount_vnd": amount, "quantity": quantity}
	if project != "" {
		v["project_code"] = project
	}
	if status == "planned" {
		v["planned_date"] = date
	} else {
		v["delivered_date"] = date
	}
	return s.insert("support_records", v)
}

func (s *server) visit(household, purpose, date string) string {
	s.t.Helper()
	return s.insert("visits", map[string]any{"household_id": household, "purpose": purpose, "visit_date": date})
}

// conflict makes a conflict over household's head_name: a laptop that
// holds the server's changes and the server change it at once, and the
// server then pulls the laptop's change.
func (s *server) conflict(household string) {
	s.t.Helper()
	ctx := context.Background()
	laptop, err := replica.Open(ctx, filepath.Join(s.t.TempDir(), "laptop.db"), replica.Options{Now: s.clock.now})
	if err != nil {
		s.t.Fatal(err)
	}
	defer laptop.Close()
	held, _, err := s.db.ReadLog(ctx, 0, 1<<30)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := laptop.ApplyPulled(ctx, held, "", syncengine.Cursor{}); err != nil {
		s.t.Fatal(err)
	}
	id := syncengine.RowID(mustUUID(s.t, household))
	err = laptop.Write(ctx, func(tx *syncengine.Tx) error {
		return tx.Update("households", id, map[string]any{"head_name": "Nguyễn Văn Hưng"})
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.set("households", household, map[string]any{"head_name": "Nguyễn Văn Hùng (bố)"})
	mine, err := laptop.Pending(ctx, laptop.Site(), 0, 10)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.db.ApplyPulled(ctx, mine, "", syncengine.Cursor{}); err != nil {
		s.t.Fatal(err)
	}
}

func mustUUID(t testing.TB, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (s *server) target(year int, commune string, values map[string]float64) {
	s.t.Helper()
	if err := indicators.SetTargets(context.Background(), s.db, year, commune, values, s.clock.now()); err != nil {
		s.t.Fatalf("set targets: %v", err)
	}
}

// fixture is the story the tests' expected figures are worked out from
// by hand (see TestIndicators): two communes recorded from December 2024
// to January 2026.
type fixture struct {
	*server
	h map[string]string // households by name h1…h10
}

func mustFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{server: mustServer(t), h: map[string]string{}}
	h := f.h

	// 15/12/2024: the list at the end of 2024. A: 4 households, 2 poor
	// (h1 Tày, h2 Kinh), h3 near-poor Tày, h4 Kinh; B: h5 poor Thái, h6
	// Kinh. The year's targets.
	f.on("15/12/2024")
	h["h1"] = f.household(communeA, "Bùi Văn Thao", "poor", "02")
	h["h2"] = f.household(communeA, "Hà Văn Minh", "poor", "01")
	h["h3"] = f.household(communeA, "Bùi Thị Lan", "near_poor", "02")
	h["h4"] = f.household(communeA, "Nguyễn Văn Hùng", "not_poor", "01")
	h["h5"] = f.household(communeB, "Lò Văn Páo", "poor", "03")
	h["h6"] = f.household(communeB, "Trần Văn Nam", "not_poor", "01")
	f.target(2025, communeA, map[string]float64{"houses": 2, "water": 2, "poverty_rate_fall": 10})
	f.target(2025, communeB, map[string]float64{"houses": 1, "water": 1})
	f.target(2025, "", map[string]float64{"poverty_rate_fall": 5})

	// 10/02/2025: h1 escapes poverty; h7 (poor, Tày) is recorded; members;
	// h8, h2's family recorded twice, is merged into h2; h9 is recorded
	// and deleted.
	f.on("10/02/2025")
	f.set("households", h["h1"], map[string]any{"poverty_status": "escaped_poverty"})
	h["h7"] = f.household(communeA, "Bùi Văn Sáng", "poor", "02")
	f.member(h["h1"], "Bùi Văn Thao", true, true)
	f.member(h["h1"], "Bùi Thị Mai", false, false)
	f.member(h["h3"], "Bùi Thị Lan", true, true)
	f.member(h["h5"], "Lò Văn Páo", true, false)
	h["h8"] = f.household(communeA, "Ha Van Minh", "poor", "01")
	f.member(h["h8"], "Hà Văn Minh", true, false)
	f.set("households", h["h8"], map[string]any{"merged_into": h["h2"]})
	h["h9"] = f.household(communeB, "Lò Thị Dung", "poor", "03")
	f.member(h["h9"], "Lò Thị Dung", true, false)
	f.delete("households", h["h9"])

	// 05/03/2025: support, visits and damage of the first quarter.
	f.on("05/03/2025")
	f.support(h["h2"], "ntp_1719", "DA1.ND2", "new_house", "delivered", "2025-03-05", 40_000_000, 1)
	f.support(h["h3"], "ntp_1719", "DA1.ND4", "distributed_water", "accepted", "2025-03-01", 3_000_000, 1)
	f.support(h["h5"], "sustainable_poverty", "", "house_repair", "planned", "2025-05-20", 20_000_000, 1)
	f.support(h["h3"], "other", "", "gift", "delivered", "2025-02-02", 500_000, 1)
	f.support(h["h8"], "ntp_1719", "DA1.ND1", "residential_land", "delivered", "2025-03-03", 10_000_000, 200)
	f.visit(h["h3"], "prestige_visit", "2025-02-02")
	f.visit(h["h1"], "poverty_review", "2025-01-20")
	v3 := f.visit(h["h5"], "damage_assessment", "2025-03-05")
	f.insert("damage_reports", map[string]any{"household_id": h["h5"], "visit_id": v3, "event": "Bão Yagi",
		"event_date": "2024-09-07", "house_damage": "severe", "estimated_loss_vnd": 15_000_000})
	v4 := f.visit(h["h4"], "damage_assessment", "2025-03-20")
	f.insert("damage_reports", map[string]any{"household_id": h["h4"], "visit_id": v4, "event": "Lũ quét tháng 3",
		"house_damage": "collapsed", "people_injured": 1, "estimated_loss_vnd": 60_000_000})

	// 20/06/2025: h3 falls into poverty, h5 becomes near-poor; h7 gets a
	// new house; a visit.
	f.on("20/06/2025")
	f.set("households", h["h3"], map[string]any{"poverty_status": "poor"})
	f.set("households", h["h5"], map[string]any{"poverty_status": "near_poor"})
	f.support(h["h7"], "ntp_1719", "DA1.ND2", "new_house", "accepted", "2025-06-15", 40_000_000, 1)
	f.visit(h["h3"], "prestige_visit", "2025-06-18")

	// 10/01/2026: after the year: h2 leaves poverty, h10 is recorded, and
	// water delivered to h5 in December is recorded late; A's housing
	// target is raised.
	f.on("10/01/2026")
	f.conflict(h["h4"])
	f.set("households", h["h2"], map[string]any{"poverty_status": "not_poor"})
	h["h10"] = f.household(communeB, "Vàng A Dính", "poor", "08")
	f.support(h["h5"], "ntp_1719", "DA1.ND4", "distributed_water", "delivered", "2025-12-20", 3_000_000, 1)
	f.on("12/01/2026")
	f.target(2025, communeA, map[string]float64{"houses": 3})
	return f
}
