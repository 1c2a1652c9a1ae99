// Command peer measures a whole `hodan sync` beside PouchDB replication of
// the same commune, in one run, alternating, the bytes of both counted by
// the same proxy (issue 19; BENCHMARKS.md, "Side by side with PouchDB").
//
//	make bench-peer                       # 3 rounds of 3,000 households
//	go run ./bench/peer -rounds 5 -households 3000 -bin bin -out peer.jsonl
//	go run ./bench/peer -summary peer.jsonl
//
// A round runs PouchDB then Hodan on the same workload: a commune (02008)
// of N households of 4 members recorded on an officer's laptop; (1) push
// everything to the server, (2) a day's edits (50 households × 3 fields)
// pushed, (3) a sync with nothing to do, (4) a new laptop's first sync
// (bootstrap), right after enrolling. Hodan's steps are `hodan` processes,
// start-up included; PouchDB's run in one node process that also serves.
// Each round's Hodan/PouchDB ratio is measured in that round, so the
// machine's load moves both sides; the summary gives the ratios' medians.
//
// It needs the binaries (`make build`, -bin), node and the PouchDB peer
// installed from its lock file (`npm ci` in bench/peer/pouchdb).
//
// With -baseline DIR it measures two builds of Hodan instead, on the same
// fixture, alternating which goes first, and prints each step's ratio of
// this build to the baseline, round by round:
//
//	go run ./bench/peer -baseline /tmp/old-bin -bin bin -rounds 5
//
// With -floors it measures what SQLite alone costs to store the commune a
// bootstrap pulls, in Hodan's layout and in packed ones, beside PouchDB's
// bootstrap in the same run (floors.go):
//
//	go run ./bench/peer -floors -rounds 5
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds, each PouchDB then Hodan")
	flag.IntVar(&cfg.households, "households", 3000, "households of the commune (4 members each)")
	flag.StringVar(&cfg.bin, "bin", "bin", "folder of the hodan and hodan-server binaries")
	flag.StringVar(&cfg.peer, "peer", "bench/peer/pouchdb", "folder of peer.js and its node_modules")
	flag.StringVar(&cfg.out, "out", "", "append each round's results to this JSON-lines file (default: a new temporary file)")
	flag.StringVar(&cfg.fixture, "fixture", "", "folder of the Hodan fixture (default: one per build of the binaries in the temporary folder)")
	flag.BoolVar(&cfg.skipPouch, "hodan-only", false, "run Hodan's side only (no ratios)")
	flag.StringVar(&cfg.baseline, "baseline", "", "folder of another build's binaries: measure it beside -bin instead of PouchDB")
	flag.BoolVar(&cfg.floors, "floors", false, "measure SQLite's floor for storing the commune in several layouts, and exit")
	prof := flag.String("profile", "", "write CPU profiles of Hodan's push and empty sync (laptop and server) in this folder, and exit")
	profFlags := flag.String("profile-flags", "", "flags added to the profiled syncs, e.g. --no-snapshot")
	summary := flag.String("summary", "", "print the summary of an earlier run's JSON-lines file and exit")
	flag.Parse()
	if *summary != "" {
		if err := printSummary(os.Stdout, *summary); err != nil {
			fmt.Fprintln(os.Stderr, "peer:", err)
			os.Exit(1)
		}
		return
	}
	cfg.syncFlags = strings.Fields(*profFlags)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, *prof); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

type config struct {
	rounds, households int
	bin, peer, out     string
	fixture            string
	skipPouch          bool
	// baseline is the folder of the build measured beside bin, if any.
	baseline string
	// floors measures the storage layouts' floors instead (-floors).
	floors bool
	// syncFlags are added to every profiled sync (-profile-flags).
	syncFlags []string
}

// result is one side's measurement in one round: one JSON line.
type result struct {
	Round int    `json:"round"`
	Side  string `json:"side"` // "pouchdb" or "hodan"
	Load  string `json:"load"` // /proc/loadavg before the side ran
	// Steps by name: push, edits, idle, bootstrap (and, for Hodan,
	// bootstrap_snapshot, a first sync with --snapshot, and write).
	Steps map[string]step `json:"steps"`
	// OK says that every replica ended holding what it should (Hodan:
	// digests equal to the server's; PouchDB: the documents counted).
	OK   bool   `json:"ok"`
	Note string `json:"note,omitempty"`
}

// step is one timed step: wall seconds, CPU seconds of the replica's
// process (Hodan) or of the one node process (PouchDB), CPU of Hodan's
// server process, and bytes through the proxy.
type step struct {
	S         float64 `json:"s"`
	CPU       float64 `json:"cpu_s"`
	ServerCPU float64 `json:"server_cpu_s,omitempty"`
	Up        int64   `json:"up"`
	Down      int64   `json:"down"`
}

func run(ctx context.Context, cfg config, profileDir string) error {
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	cfg.bin = bin
	if cfg.baseline != "" {
		if cfg.baseline, err = filepath.Abs(cfg.baseline); err != nil {
			return err
		}
	}
	if cfg.out == "" {
		f, err := os.CreateTemp("", "hodan-peer-*.jsonl")
		if err != nil {
			return err
		}
		f.Close()
		cfg.out = f.Name()
	}
	fx, err := loadFixture(ctx, cfg.fixtureBuild())
	if err != nil {
		return err
	}
	if profileDir != "" {
		return profile(ctx, cfg, fx, profileDir)
	}
	if cfg.floors {
		return runFloors(ctx, cfg, fx)
	}
	if cfg.baseline != "" {
		return runBaseline(ctx, cfg, fx)
	}
	for r := 1; r <= cfg.rounds; r++ {
		if !cfg.skipPouch {
			res, err := runPouch(ctx, cfg)
			if err := record(cfg.out, r, "pouchdb", res, err); err != nil {
				return err
			}
		}
		res, err := runHodan(ctx, cfg, fx)
		if err := record(cfg.out, r, "hodan", res, err); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "results:", cfg.out)
	return printSummary(os.Stdout, cfg.out)
}

// fixtureBuild is the configuration the fixture is built with: the
// baseline's binaries if there is one, as the older of two builds (the
// newer migrates a copy of the baseline's files forward; the older may
// refuse the newer's).
func (cfg config) fixtureBuild() config {
	if cfg.baseline != "" {
		cfg.bin = cfg.baseline
	}
	return cfg
}

// runBaseline measures the baseline's build and this one, round by round,
// the baseline first in odd rounds and second in even ones.
func runBaseline(ctx context.Context, cfg config, fx fixture) error {
	base := cfg
	base.bin = cfg.baseline
	for r := 1; r <= cfg.rounds; r++ {
		sides := []struct {
			name string
			cfg  config
		}{{"baseline", base}, {"hodan", cfg}}
		if r%2 == 0 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, s := range sides {
			res, err := runHodan(ctx, s.cfg, fx)
			if err := record(cfg.out, r, s.name, res, err); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(os.Stderr, "results:", cfg.out)
	return printSummary(os.Stdout, cfg.out)
}

// record appends a side's result to the output file and says it on
// stderr.
func record(out string, round int, side string, res result, err error) error {
	if err != nil {
		return fmt.Errorf("round %d, %s: %w", round, side, err)
	}
	res.Round, res.Side = round, side
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(os.Stderr, "round %d %s: %s\n", round, side, line)
	_, err = f.Write(append(line, '\n'))
	return err
}

// loadavg is the machine's load, as /proc/loadavg says it.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return string(b[:min(len(b), 14)])
}
