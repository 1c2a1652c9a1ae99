package syncengine

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// simTables are the simulation's own tables: a root table scoped by its
// commune, a child and a grandchild (so that deletes cascade two levels
// down), with a column of every type the schema stores: text, integer,
// real, date (TEXT, YYYY-MM-DD), blob, and an untyped column that holds
// values of any kind.
var simTables = []TableSpec{
	{Name: "sim_households", ScopeColumn: "commune", Columns: []string{"commune", "head", "born", "income", "assessed", "photo", "extra"}},
	{Name: "sim_members", ParentColumn: "household_id", ParentTable: "sim_households", Columns: []string{"household_id", "name", "born", "score", "dob"}},
	{Name: "sim_visits", ParentColumn: "member_id", ParentTable: "sim_members", Columns: []string{"member_id", "visit_date", "amount", "note", "photo"}},
}

// simMigrations create the domain tables the way schema's migrations do:
// ordinary typed tables, no foreign keys.
var simMigrations = []Migration{{
	Name: "sim/0001_domain",
	Up: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			CREATE TABLE sim_households (id TEXT PRIMARY KEY, commune TEXT, head TEXT, born INTEGER,
				income REAL, assessed TEXT, photo BLOB, extra);
			CREATE TABLE sim_members (id TEXT PRIMARY KEY, household_id TEXT, name TEXT, born INTEGER,
				score REAL, dob TEXT);
			CREATE INDEX sim_members_household ON sim_members (household_id);
			CREATE TABLE sim_visits (id TEXT PRIMARY KEY, member_id TEXT, visit_date TEXT, amount INTEGER,
				note TEXT, photo BLOB);
			CREATE INDEX sim_visits_member ON sim_visits (member_id);`)
		return err
	},
}}

// simReplica is a device or the district server: its database file, the
// communes it is enrolled for, and its own wall clock.
type simReplica struct {
	name   string
	path   string
	db     *DB
	site   SiteID
	scopes []string      // nil for the server, which holds every commune
	offset time.Duration // how far its wall clock is from the true time
	client *Client
	backup *simBackup // the last copy of its file (sim_identity_test.go)
	forks  int        // the forks its file made, as the model knows them
	// ranAhead is set once the replica's clock was set further ahead than
	// the tolerance (it may have written, or followed stamps, that far
	// ahead): only such a device may ever need its clock repaired (see
	// heal).
	ranAhead bool
}

func (r *simReplica) isServer() bool { return r.scopes == nil }

func (r *simReplica) enrolled(scope string) bool {
	return r.scopes == nil || slices.Contains(r.scopes, scope)
}

// simWorld is one schedule: the replicas, the network between them, the
// true time, and the model of what was written.
type simWorld struct {
	t       *testing.T
	ctx     context.Context
	rng     *rand.Rand
	dir     string
	now     time.Time // the true time; each replica's clock is off it by its offset
	steps   int
	scopes  []string // every commune of the district
	server  *simReplica
	devices []*simReplica
	all     []*simReplica // the server, then the devices
	net     *simNet
	model   simModel
	trace   hash.Hash64
	verbose bool // HODAN_SIM_TRACE is set: log every step

	backups  bool // the server is backed up and restored (sim_backup_test.go)
	backedUp bool // a backup exists
	restores int  // how many times the server was restored

	// The laptops' files copied (sim_identity_test.go): the server's
	// tokens, and how many faults and copies there were.
	tokens     map[string]simEnrollment
	copyFaults int
	copies     int
}

func newSimWorld(t *testing.T, seed uint64) *simWorld {
	w := &simWorld{
		t: t, ctx: context.Background(), dir: t.TempDir(),
		rng:   rand.New(rand.NewPCG(seed, 0x48_6f_64_61_6e)),
		now:   time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC),
		trace: fnv.New64a(), verbose: os.Getenv("HODAN_SIM_TRACE") != "",
		model: newSimModel(), tokens: map[string]simEnrollment{},
	}
	// Site ids, incarnations and the random part of row ids come from the
	// seed too (row ids keep their time part, but are made in the same
	// order, so they sort the same way in every replay).
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	uuid.SetRand(rand.NewChaCha8(key))
	t.Cleanup(func() { uuid.SetRand(nil) })

	w.scopes = []string{"05362", "02008"}
	enrolments := [][]string{{"05362"}, {"05362"}, {"02008"}, {"05362", "02008"}}
	if w.rng.IntN(2) == 0 {
		w.scopes = append(w.scopes, "05365")
		enrolments = append(enrolments, []string{"05365"})
	}
	// A sound network now and then, mostly a poor one, sometimes a dreadful one.
	w.net = &simNet{w: w, faulty: true, rate: []int{0, 1, 2, 4, 8, 15, 25}[w.rng.IntN(7)]}
	w.server = w.open("server", nil)
	w.all = append(w.all, w.server)
	for i, scopes := range enrolments {
		d := w.open(fmt.Sprintf("device%d", i), scopes)
		token := fmt.Sprintf("token-%d", i)
		w.tokens[token] = simEnrollment{dev: d, site: d.site}
		d.client = &Client{BaseURL: "http://district.sim", Token: token,
			HTTP: &http.Client{Transport: w.net}, BatchSize: 1 + w.rng.IntN(40), sequential: true}
		w.devices = append(w.devices, d)
		w.all = append(w.all, d)
	}
	w.steps = 40 + w.rng.IntN(120)
	w.backups = w.rng.IntN(3) == 0
	w.note("world: %d devices, %d steps, fault rate %d%%, backups %v", len(w.devices), w.steps, w.net.rate, w.backups)
	return w
}

// note adds a line to the trace.
func (w *simWorld) note(format string, args ...any) {
	fmt.Fprintf(w.trace, format+"\n", args...)
	if w.verbose {
		w.t.Logf(format, args...)
	}
}

func (w *simWorld) open(name string, scopes []string) *simReplica {
	r := &simReplica{name: name, path: filepath.Join(w.dir, name+".db"), scopes: scopes}
	w.reopen(r)
	r.site = r.db.Site()
	w.t.Cleanup(func() { r.db.Close() })
	return r
}

func (w *simWorld) reopen(r *simReplica) {
	cfg := Config{Tables: simTables, Migrations: simMigrations, Now: func() time.Time { return w.now.Add(r.offset) }}
	db, err := Open(w.ctx, r.path, cfg)
	if err != nil {
		w.t.Fatalf("open %s: %v", r.name, err)
	}
	r.db = db
}

// restart closes a replica's database and opens the same file again, as
// after a crash-free restart of the laptop or the server.
func (w *simWorld) restart(r *simReplica) {
	own, inc := w.ownSeq(r), r.db.Incarnation()
	if err := r.db.Close(); err != nil {
		w.t.Fatalf("close %s: %v", r.name, err)
	}
	w.reopen(r)
	if r.db.Site() != r.site || r.db.Incarnation() != inc || w.ownSeq(r) != own {
		w.t.Fatalf("%s came back from a restart as another replica", r.name)
	}
	w.note("restart %s", r.name)
}

func (w *simWorld) ownSeq(r *simReplica) uint64 {
	seq, err := r.db.OwnSeq(w.ctx)
	if err != nil {
		w.t.Fatalf("%s: own sequence: %v", r.name, err)
	}
	return seq
}

// run plays the schedule: random writes, syncs, late deliveries, restarts
// and clock jumps, with the true time moving on between steps.
func (w *simWorld) run() {
	for i := 0; i < w.steps && !w.t.Failed(); i++ {
		w.now = w.now.Add(time.Duration(w.rng.IntN(3000)) * time.Millisecond)
		switch k := w.rng.IntN(100); {
		case k < 3 && w.backups:
			w.backupOrRestore()
		case k < 3:
			w.write(w.server)
		case k < 5 && !w.backups:
			// Not with the server's backups: see sim_identity_test.go.
			w.copyFaults++
			w.copyFault()
		case k < 50:
			w.write(w.pick(w.devices))
		case k < 78:
			w.sync(w.pick(w.devices))
		case k < 83:
			w.net.deliverDelayed()
		case k < 89:
			w.restart(w.pick(w.all))
		case k < 96:
			w.jumpClock(w.pick(w.all))
		case k < 98:
			w.serverClockJumps()
		default:
			w.now = w.now.Add(time.Duration(w.rng.IntN(72)) * time.Hour) // days without signal
		}
	}
}

func (w *simWorld) pick(rs []*simReplica) *simReplica { return rs[w.rng.IntN(len(rs))] }

// jumpClock sets a replica's wall clock wrong, often backwards (a laptop
// whose battery died, a server whose time was corrected), sometimes months
// ahead (a clock that jumped). A server whose clock jumped ahead accepts
// changes stamped as far ahead, which stay in everyone's future once its
// clock comes back: the clock rules must keep every device able to push
// (see future.go).
//
// Two cases are kept out, because the clock rules refuse them, rightly,
// and the writer then keeps a change nobody else holds until an officer
// fixes it, where this simulation checks convergence: a push the network
// delays past the server's clock going back (the network delivers or
// loses what it holds first), and, in schedules whose server is restored
// from backups, a server clock off the true time by more than the
// tolerance, ahead or behind. Ahead, it accepts changes stamped then;
// behind, the changes of devices whose clocks are right are in its future,
// and it accepts edits of them because the write rule explains them by
// the values it holds. Either way a restored server would refuse, sent
// again, changes it had accepted, their explanation lost with what the
// restore took (seed 1796439616318585273: the server a year behind, then
// restored, refused 7 edits of values it had lost). Both hold without
// backups, where the schedules keep them.
func (w *simWorld) jumpClock(r *simReplica) {
	offset := r.offset
	switch w.rng.IntN(7) {
	case 0:
		offset = 0
	case 1:
		offset -= time.Duration(w.rng.IntN(2000)) * time.Millisecond
	case 2:
		offset -= time.Duration(1+w.rng.IntN(72)) * time.Hour
	case 3:
		offset -= 365 * 24 * time.Hour
	case 4:
		offset = time.Duration(30+w.rng.IntN(90)) * 24 * time.Hour
	default:
		offset += time.Duration(w.rng.IntN(48*60)) * time.Minute
	}
	if r.isServer() && w.backups {
		offset = min(max(offset, -DefaultClockTolerance), 0)
	}
	if r.isServer() && offset < r.offset {
		w.net.drain()
	}
	w.setClock(r, offset)
}

// setClock sets r's wall clock offset from the true time.
func (w *simWorld) setClock(r *simReplica, offset time.Duration) {
	r.offset = offset
	r.ranAhead = r.ranAhead || offset > DefaultClockTolerance
	w.note("clock %s %s", r.name, r.offset)
}

// serverClockJumps is issue 14's fault: the server's clock jumps months
// ahead, and it accepts what devices as far ahead stamp then; later it
// comes back, and the changes it accepted stay in everyone's future.
func (w *simWorld) serverClockJumps() {
	s := w.server
	switch {
	case s.offset > 0:
		w.net.drain()
		s.offset = 0
	case !w.backups:
		s.offset = time.Duration(30+w.rng.IntN(90)) * 24 * time.Hour
		for _, d := range w.devices {
			if w.rng.IntN(3) == 0 {
				w.setClock(d, s.offset) // a laptop whose clock went as wrong
			}
		}
	}
	w.note("clock %s jumps to %s", s.name, s.offset)
}

// horizon is the latest stamp r's clock follows now: its wall clock plus
// the tolerance, as the model and the simulated server reckon it.
func (w *simWorld) horizon(r *simReplica) HLC {
	return MakeHLC(max(w.now.Add(r.offset+DefaultClockTolerance).UnixMilli(), 0), 1<<hlcCounterBits-1)
}

// sync runs the device's real sync client over the faulty network. Errors
// are expected only where the network failed, or where the device's clock
// holds its push back; none may come from the engine itself. An officer
// told that the clock is ahead sometimes sets it right and repairs it.
func (w *simWorld) sync(d *simReplica) {
	faults := w.net.faults
	res, err := d.client.Sync(w.ctx, d.db)
	w.note("sync %s: pushed %d pulled %d rejected %d error %v", d.name, res.Pushed, res.Pulled, res.Rejected, err != nil)
	w.followForks(d)
	clock := errors.Is(err, ErrClockAhead)
	if err != nil && w.net.faults == faults && !clock {
		w.t.Errorf("sync %s failed on a sound network: %v", d.name, err)
	}
	if err != nil && simEngineError(err) {
		w.t.Errorf("sync %s: %v", d.name, err)
	}
	if clock && w.rng.IntN(2) == 0 {
		w.setClock(d, 0) // the officer sets it right
		w.repairClock(d, false)
	}
}

// repairClock runs the device's clock repair, as an officer does after
// setting its clock right. The repair re-stamps changes the server has not
// acknowledged, so no push of them may still be on its way (a real push
// does not arrive minutes late): with one held back by the network, the
// officer does not repair yet. must says the repair must succeed: the
// network is sound, the device's and the server's clocks are right.
func (w *simWorld) repairClock(d *simReplica, must bool) {
	if w.net.delays(d) {
		return
	}
	faults := w.net.faults
	res, err := d.client.RepairClock(w.ctx, d.db)
	w.note("repair %s: restamped %d, error %v", d.name, res.Restamped, err != nil)
	w.followForks(d) // asking the server, the repair may find the file is a copy
	expected := errors.Is(err, ErrNothingToRepair) || errors.Is(err, ErrClockStillAhead) || w.net.faults != faults
	switch {
	case err != nil && (must || !expected || simEngineError(err)):
		w.t.Errorf("repair %s: %v", d.name, err)
	case err == nil:
		w.model.restamped(d, ownChangesOf(w.t, d.db, res.FirstSeq-1, res.Restamped), d.db.Clock().Last())
	}
}

// ownChangesOf reads n of db's own changes after its seq-th.
func ownChangesOf(t testing.TB, db *DB, seq uint64, n int) []Change {
	t.Helper()
	changes, err := db.Pending(context.Background(), db.Site(), seq, n)
	if err != nil {
		t.Fatalf("read own changes: %v", err)
	}
	return changes
}

// heal mends the network, lets it deliver or lose what it still holds,
// sets every clock right, restarts some replicas, and syncs every device,
// in random orders, until a whole round moves nothing. Only a device whose
// clock ran ahead may be held back for its clock, once: it is repaired,
// and must then push everything. No device is left unable to push, and
// none whose clock was right, whatever stamps it received, needs a repair.
func (w *simWorld) heal() {
	w.net.faulty = false
	w.net.drain()
	for _, r := range w.all {
		r.offset = 0
		if w.rng.IntN(3) == 0 {
			w.restart(r)
		}
	}
	for round := 0; ; round++ {
		if round == 10 {
			w.t.Fatalf("still syncing after %d rounds on a sound network", round)
		}
		moved := 0
		for _, i := range w.rng.Perm(len(w.devices)) {
			d := w.devices[i]
			res, err := d.client.Sync(w.ctx, d.db)
			if errors.Is(err, ErrClockAhead) && !d.ranAhead {
				w.t.Fatalf("final sync of %s, whose clock never ran ahead: %v", d.name, err)
			}
			if errors.Is(err, ErrClockAhead) {
				w.note("final sync of %s held back by its clock: %v", d.name, err)
				w.repairClock(d, true)
				res, err = d.client.Sync(w.ctx, d.db)
			}
			if err != nil {
				w.t.Fatalf("final sync of %s: %v", d.name, err)
			}
			w.followForks(d)
			moved += res.Pushed + res.Pulled
		}
		w.note("heal round %d: %d moved", round, moved)
		if moved == 0 {
			return
		}
	}
}
