package syncengine

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"hodan/internal/longtest"
)

// The deterministic simulation of sync, in the manner of FoundationDB's: a
// district server and several devices (of two or three communes, one device
// enrolled for two) write at random, sync over a network that drops,
// duplicates, delays and truncates what it carries, restart, and see their
// clocks jump; then the network heals, everyone syncs until nothing moves,
// and the replicas are checked against a model of every acknowledged write.
// Everything random comes from one seed, so a failure replays exactly.
//
//	HODAN_SIM_SEED=N        replay one schedule
//	HODAN_SIM_SCHEDULES=N   run N schedules (default 6; 24 with HODAN_LONG_TESTS=1)
//	HODAN_SIM_DURATION=30m  run schedules until the time is up (and at most
//	                        HODAN_SIM_SCHEDULES, if that is set too)
//
// The files: sim_world_test.go (replicas, clocks, the schedule),
// sim_net_test.go (the network and the server's side of the protocol),
// sim_write_test.go (random writes and their receipts), sim_values_test.go
// (the values written), sim_model_test.go (the model of acknowledged writes)
// and sim_check_test.go (what must hold at the end).

// TestSimulation runs random schedules, each from its own seed.
func TestSimulation(t *testing.T) {
	plan := simPlanFromEnv(t)
	start := time.Now()
	ran := 0
	for i := 0; plan.more(i, start); i++ {
		seed := plan.seed(i)
		ok := t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			runSimulation(t, seed)
		})
		ran++
		if !ok {
			break // the replay command is in the failed schedule's log
		}
	}
	t.Logf("%d schedules from base seed %d in %s", ran, plan.base, time.Since(start).Round(time.Millisecond))
}

// TestSimulationIsDeterministic runs one schedule twice and compares what
// happened, step by step: a seed that does not replay is worth nothing.
func TestSimulationIsDeterministic(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if plan := simPlanFromEnv(t); plan.fixed {
		seed = plan.base
	}
	var traces [2]uint64
	for i := range traces {
		t.Run(fmt.Sprintf("run%d", i), func(t *testing.T) {
			traces[i] = runSimulation(t, seed)
		})
	}
	if traces[0] != traces[1] {
		t.Fatalf("seed %d gave two different schedules (traces %x and %x)", seed, traces[0], traces[1])
	}
}

// runSimulation runs the schedule of one seed and returns its trace, a hash
// of every step and its outcome.
func runSimulation(t *testing.T, seed uint64) uint64 {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with: HODAN_SIM_SEED=%d go test ./syncengine -run '^TestSimulation$' -v", seed)
		}
	})
	w := newSimWorld(t, seed)
	w.run()
	if !t.Failed() {
		w.heal()
	}
	if !t.Failed() {
		w.check()
	}
	return w.trace.Sum64()
}

// simPlan is how many schedules to run, and from which seeds.
type simPlan struct {
	base      uint64
	fixed     bool // HODAN_SIM_SEED: one schedule, that seed
	schedules int
	duration  time.Duration
}

func simPlanFromEnv(t *testing.T) simPlan {
	t.Helper()
	p := simPlan{base: uint64(time.Now().UnixNano()), schedules: 24}
	if testing.Short() || !longtest.On() {
		p.schedules = 6
	}
	if s := os.Getenv("HODAN_SIM_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HODAN_SIM_SEED=%q: %v", s, err)
		}
		p.base, p.fixed = seed, true
	}
	if s := os.Getenv("HODAN_SIM_SCHEDULES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("HODAN_SIM_SCHEDULES=%q: want a positive number", s)
		}
		p.schedules = n
	}
	if s := os.Getenv("HODAN_SIM_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("HODAN_SIM_DURATION=%q: want a duration such as 30m", s)
		}
		p.duration = d
		if os.Getenv("HODAN_SIM_SCHEDULES") == "" {
			p.schedules = 0 // no limit but the time
		}
	}
	return p
}

func (p simPlan) more(i int, start time.Time) bool {
	switch {
	case p.fixed:
		return i < 1
	case p.duration > 0:
		return time.Since(start) < p.duration && (p.schedules == 0 || i < p.schedules)
	}
	return i < p.schedules
}

func (p simPlan) seed(i int) uint64 { return p.base + uint64(i) }
