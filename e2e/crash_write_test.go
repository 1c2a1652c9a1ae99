package e2e

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"
)

// TestCrashDuringLocalWrites kills hodan at random instants while it
// records households, members and visits, changes and deletes households.
// After each kill the laptop's file is intact, every command that exited 0
// is there, the killed command is there wholly or not at all, and the next
// sync converges with the server.
func TestCrashDuringLocalWrites(t *testing.T) {
	cr := newCrashRun(t, 4)
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	m := &writeModel{households: map[string]*household{}, members: map[string]string{}, visits: map[string]string{}}
	for cr.more() {
		op := m.next(cr.rng)
		p := a.start(t, op.args...)
		landed := cr.killProc(op.kind, p)
		if !landed && !p.ok() {
			t.Fatalf("unkilled: %s", p)
		}
		db := openRO(t, a.db)
		applied := m.resolve(t, db, op, landed)
		cr.count(landed, fmt.Sprintf("%s %s", op.kind, map[bool]string{true: "applied", false: "not applied"}[applied]))
		assertIntact(t, a.db)
		m.assertHeld(t, db)
		assertOwnLog(t, db)
		assertProjected(t, db)
		db.Close()
		a.sync(t)
		assertConverged(t, srv, lacLuong, a)
	}
}

// writeModel is what the laptop must hold: every acknowledged write, and
// each killed one that the file shows was committed.
type writeModel struct {
	households map[string]*household
	members    map[string]string // member id: its household
	visits     map[string]string // visit id: its household
	n          int               // numbers values, so that each command writes its own
}

// household is a household's values as the model expects them. add writes
// head_name "Hộ k", household_number "k", address "Bản k" and notes "A-k";
// set j writes notes "S-j" and head_birth_year 1930+j%70 together.
type household struct {
	k     int
	notes string
	birth any
}

// writeOp is one hodan command and what identifies its effect.
type writeOp struct {
	kind   string
	args   []string
	n      int
	target string // the household it works on
}

// next picks the next command at random among those the model allows.
func (m *writeModel) next(rng *rand.Rand) writeOp {
	m.n++
	ids := m.householdIDs()
	op := writeOp{kind: "household add", n: m.n}
	if len(ids) > 0 {
		op.target = ids[rng.Intn(len(ids))]
		switch r := rng.Intn(20); {
		case r < 6:
		case r < 11:
			op.kind = "household set"
		case r < 15:
			op.kind = "member add"
		case r < 18:
			op.kind = "visit add"
		default:
			op.kind = "household delete"
		}
	}
	k := fmt.Sprint(m.n)
	switch op.kind {
	case "household add":
		op.args = []string{"household", "add", "--head-name", "Hộ " + k, "--household-number", k, "--address", "Bản " + k, "--notes", "A-" + k}
	case "household set":
		op.args = []string{"household", "set", op.target, "notes=S-" + k, fmt.Sprintf("head_birth_year=%d", 1930+m.n%70)}
	case "member add":
		op.args = []string{"member", "add", "--household-id", op.target, "--full-name", "M-" + k, "--birth-year", "1990"}
	case "visit add":
		op.args = []string{"visit", "add", "--household-id", op.target, "--purpose", "follow_up", "--notes", "V-" + k}
	case "household delete":
		op.args = []string{"household", "delete", op.target, "--with-children"}
	}
	return op
}

// householdIDs lists the households in a fixed order.
func (m *writeModel) householdIDs() []string {
	var ids []string
	for id := range m.households {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// resolve reads from the file whether op was committed, and if so applies
// it to the model. An op that was not killed must have been committed.
func (m *writeModel) resolve(t *testing.T, db reader, op writeOp, killed bool) bool {
	t.Helper()
	k := fmt.Sprint(op.n)
	var found []string
	switch op.kind {
	case "household add":
		found = column(t, db, `SELECT id FROM households WHERE head_name = ?`, "Hộ "+k)
	case "household set":
		found = column(t, db, `SELECT id FROM households WHERE notes = ?`, "S-"+k)
	case "member add":
		found = column(t, db, `SELECT id FROM members WHERE full_name = ?`, "M-"+k)
	case "visit add":
		found = column(t, db, `SELECT id FROM visits WHERE notes = ?`, "V-"+k)
	case "household delete":
		if len(column(t, db, `SELECT id FROM households WHERE id = ?`, op.target)) == 0 {
			found = []string{op.target}
		}
	}
	if len(found) > 1 {
		t.Fatalf("%v wrote %d rows", op.args, len(found))
	}
	if len(found) == 0 {
		if !killed {
			t.Fatalf("%v exited 0 but its write is not in the file", op.args)
		}
		return false
	}
	m.apply(op, found[0])
	return true
}

func (m *writeModel) apply(op writeOp, id string) {
	switch op.kind {
	case "household add":
		m.households[id] = &household{k: op.n, notes: fmt.Sprintf("A-%d", op.n)}
	case "household set":
		h := m.households[id]
		h.notes, h.birth = fmt.Sprintf("S-%d", op.n), int64(1930+op.n%70)
	case "member add":
		m.members[id] = op.target
	case "visit add":
		m.visits[id] = op.target
	case "household delete":
		delete(m.households, id)
		for _, children := range []map[string]string{m.members, m.visits} {
			for c, h := range children {
				if h == id {
					delete(children, c)
				}
			}
		}
	}
}

// assertHeld checks that the file holds exactly the model's rows.
func (m *writeModel) assertHeld(t *testing.T, db reader) {
	t.Helper()
	got := map[string]any{}
	for _, r := range queryRows(t, db, `SELECT id, commune_code, head_name, household_number, address, notes, head_birth_year FROM households`) {
		got[r[0].(string)] = r[1:]
	}
	want := map[string]any{}
	for id, h := range m.households {
		want[id] = []any{lacLuong, fmt.Sprintf("Hộ %d", h.k), fmt.Sprint(h.k), fmt.Sprintf("Bản %d", h.k), h.notes, h.birth}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("households:\n file  %v\n model %v", got, want)
	}
	for table, rows := range map[string]map[string]string{"members": m.members, "visits": m.visits} {
		got := map[string]string{}
		for _, r := range queryRows(t, db, `SELECT id, household_id FROM `+table) {
			got[r[0].(string)] = r[1].(string)
		}
		if !reflect.DeepEqual(got, rows) {
			t.Fatalf("%s:\n file  %v\n model %v", table, got, rows)
		}
	}
}

// column returns the first column of a query's rows as strings.
func column(t *testing.T, db reader, query string, args ...any) []string {
	t.Helper()
	var out []string
	for _, r := range queryRows(t, db, query, args...) {
		out = append(out, fmt.Sprint(r[0]))
	}
	return out
}
