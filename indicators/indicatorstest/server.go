// Package indicatorstest builds the district servers the tests of the
// programme's indicators read: a server's database written through the
// engine on a clock the test sets, and Story, a district whose figures
// are worked out by hand (see package indicators' TestIndicators), for
// every test that shows them (the command's, the console's).
package indicatorstest

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
	CommuneA = "05362" // Xã Lạc Lương
	CommuneB = "02008" // Xã Cẩm Giàng
)

// Clock is a wall clock the test sets. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Server is a district server's database, written through the engine,
// on a clock the test sets.
type Server struct {
	T     testing.TB
	DB    *syncengine.DB
	Clock *Clock
}

// Open opens (or creates) the server database at path with the
// registry's and the targets' migrations, and more, on a new clock set
// to now; it is closed when the test ends.
func Open(t testing.TB, path string, more ...syncengine.Migration) *Server {
	t.Helper()
	clk := &Clock{t: time.Now()}
	migrations := append(append(registry.Migrations(), indicators.Migrations()...), more...)
	db, err := replica.Open(context.Background(), path, replica.Options{Migrations: migrations, Now: clk.Now})
	if err != nil {
		t.Fatalf("open server database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &Server{T: t, DB: db, Clock: clk}
}

// On sets the server's clock to 10:00 of day (dd/mm/yyyy), Vietnam time.
func (s *Server) On(day string) {
	s.T.Helper()
	d, err := indicators.ParseDate(day)
	if err != nil {
		s.T.Fatal(err)
	}
	s.Clock.Set(d.Add(10 * time.Hour))
}

// Write writes fn's changes in one transaction.
func (s *Server) Write(fn func(tx *syncengine.Tx) error) {
	s.T.Helper()
	if err := s.DB.Write(context.Background(), fn); err != nil {
		s.T.Fatalf("write: %v", err)
	}
}

// Insert records a row of table and returns its id.
func (s *Server) Insert(table string, values map[string]any) string {
	s.T.Helper()
	var id syncengine.RowID
	s.Write(func(tx *syncengine.Tx) error {
		var err error
		id, err = tx.Insert(table, values)
		return err
	})
	return id.String()
}

// Set changes values of the row id of table.
func (s *Server) Set(table, id string, values map[string]any) {
	s.T.Helper()
	s.Write(func(tx *syncengine.Tx) error { return tx.Update(table, syncengine.RowID(s.uuid(id)), values) })
}

// Delete deletes the row id of table.
func (s *Server) Delete(table, id string) {
	s.T.Helper()
	s.Write(func(tx *syncengine.Tx) error { return tx.Delete(table, syncengine.RowID(s.uuid(id))) })
}

// Household records a household of commune: its head, poverty status and
// ethnicity code.
func (s *Server) Household(commune, head, status, ethnicity string) string {
	s.T.Helper()
	v := map[string]any{"commune_code": commune, "head_name": head, "poverty_status": status, "ethnicity_code": ethnicity}
	if status != "not_poor" {
		v["poverty_standard"] = "nd07_2021"
	}
	return s.Insert("households", v)
}

// Member records a member of household.
func (s *Server) Member(household, name string, insured, prestige bool) string {
	s.T.Helper()
	return s.Insert("members", map[string]any{"household_id": household, "full_name": name,
		"health_insurance": insured, "is_prestige": prestige})
}

// Support records support: program, project, kind, status, its date
// (delivered, or planned for a plan), amount and quantity.
func (s *Server) Support(household, program, project, kind, status, date string, amount int64, quantity float64) string {
	s.T.Helper()
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
	return s.Insert("support_records", v)
}

// Visit records a visit to household.
func (s *Server) Visit(household, purpose, date string) string {
	s.T.Helper()
	return s.Insert("visits", map[string]any{"household_id": household, "purpose": purpose, "visit_date": date})
}

// Target sets the targets of commune for year, now.
func (s *Server) Target(year int, commune string, values map[string]float64) {
	s.T.Helper()
	if err := indicators.SetTargets(context.Background(), s.DB, year, commune, values, s.Clock.Now()); err != nil {
		s.T.Fatalf("set targets: %v", err)
	}
}

// Conflict makes a conflict over household's head_name: a laptop that
// holds the server's changes and the server change it at once, and the
// server then pulls the laptop's change.
func (s *Server) Conflict(household string) {
	s.T.Helper()
	ctx := context.Background()
	laptop, err := replica.Open(ctx, filepath.Join(s.T.TempDir(), "laptop.db"), replica.Options{Now: s.Clock.Now})
	if err != nil {
		s.T.Fatal(err)
	}
	defer laptop.Close()
	held, _, err := s.DB.ReadLog(ctx, 0, 1<<30)
	if err != nil {
		s.T.Fatal(err)
	}
	if _, err := laptop.ApplyPulled(ctx, held, "", syncengine.Cursor{}); err != nil {
		s.T.Fatal(err)
	}
	id := syncengine.RowID(s.uuid(household))
	err = laptop.Write(ctx, func(tx *syncengine.Tx) error {
		return tx.Update("households", id, map[string]any{"head_name": "Nguyễn Văn Hưng"})
	})
	if err != nil {
		s.T.Fatal(err)
	}
	s.Set("households", household, map[string]any{"head_name": "Nguyễn Văn Hùng (bố)"})
	mine, err := laptop.Pending(ctx, laptop.Site(), 0, 10)
	if err != nil {
		s.T.Fatal(err)
	}
	if _, err := s.DB.ApplyPulled(ctx, mine, "", syncengine.Cursor{}); err != nil {
		s.T.Fatal(err)
	}
}

func (s *Server) uuid(id string) uuid.UUID {
	s.T.Helper()
	u, err := uuid.Parse(id)
	if err != nil {
		s.T.Fatal(err)
	}
	return u
}
