package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// comparison is one line of the summary: a Hodan figure against a PouchDB
// one, as a ratio per round.
type comparison struct {
	label       string
	hodan, peer func(result) float64
	unit        string // "s" or "B"
}

func stepOf(name string, f func(step) float64) func(result) float64 {
	return func(r result) float64 { return f(r.Steps[name]) }
}

func sum(names []string, f func(step) float64) func(result) float64 {
	return func(r result) float64 {
		t := 0.0
		for _, n := range names {
			t += f(r.Steps[n])
		}
		return t
	}
}

var (
	wall = func(s step) float64 { return s.S }
	up   = func(s step) float64 { return float64(s.Up) }
	down = func(s step) float64 { return float64(s.Down) }
	all  = []string{"push", "edits", "bootstrap"}
)

// comparisons are the summary's lines: the table.
var comparisons = []comparison{
	{"push everything", stepOf("push", wall), stepOf("push", wall), "s"},
	{"a day's edits (50 households × 3 fields)", stepOf("edits", wall), stepOf("edits", wall), "s"},
	{"a sync with nothing to do", stepOf("idle", wall), stepOf("idle", wall), "s"},
	{"bootstrap, sync right after `init` (default)", stepOf("bootstrap", wall), stepOf("bootstrap", wall), "s"},
	{"bootstrap, `--snapshot`, right after `init`", stepOf("bootstrap_snapshot", wall), stepOf("bootstrap", wall), "s"},
	{"bytes up: push", stepOf("push", up), stepOf("push", up), "B"},
	{"bytes up: edits", stepOf("edits", up), stepOf("edits", up), "B"},
	{"bytes up: bootstrap", stepOf("bootstrap", up), stepOf("bootstrap", up), "B"},
	{"bytes down: push", stepOf("push", down), stepOf("push", down), "B"},
	{"bytes down: edits", stepOf("edits", down), stepOf("edits", down), "B"},
	{"bytes down: bootstrap", stepOf("bootstrap", down), stepOf("bootstrap", down), "B"},
	{"bytes up, all steps", sum(all, up), sum(all, up), "B"},
	{"bytes down, all steps", sum(all, down), sum(all, down), "B"},
	{"bytes down, all steps, bootstrap `--snapshot`", sum([]string{"push", "edits", "bootstrap_snapshot"}, down), sum(all, down), "B"},
}

// printSummary prints, from a results file, the medians of both sides,
// the median of the per-round ratios Hodan/PouchDB, and each round's
// ratio, as a Markdown table; then Hodan's own figures.
func printSummary(w io.Writer, path string) error {
	rounds, err := readResults(path)
	if err != nil {
		return err
	}
	var paired [][2]result // hodan, pouchdb
	var hodan []result
	for _, r := range rounds {
		if h, ok := r["hodan"]; ok {
			hodan = append(hodan, h)
			if p, ok := r["pouchdb"]; ok {
				paired = append(paired, [2]result{h, p})
			}
		}
	}
	fmt.Fprintf(w, "%d rounds (%d with PouchDB); load before each side: %s\n\n", len(hodan), len(paired), loads(rounds))
	if len(paired) > 0 {
		fmt.Fprintln(w, "| step | PouchDB | Hodan | Hodan / PouchDB | per round |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, c := range comparisons {
			var hs, ps, ratios []float64
			for _, p := range paired {
				h, q := c.hodan(p[0]), c.peer(p[1])
				hs, ps = append(hs, h), append(ps, q)
				ratios = append(ratios, h/q)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.2f | %s |\n", c.label, format(median(ps), c.unit), format(median(hs), c.unit),
				median(ratios), perRound(ratios))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "| Hodan alone (median of rounds) | wall | laptop CPU | server CPU |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, name := range []string{"push", "edits", "idle", "bootstrap", "bootstrap_snapshot", "write"} {
		var s, c, sc []float64
		for _, h := range hodan {
			s, c, sc = append(s, h.Steps[name].S), append(c, h.Steps[name].CPU), append(sc, h.Steps[name].ServerCPU)
		}
		fmt.Fprintf(w, "| %s | %.3f s | %.3f s | %.3f s |\n", name, median(s), median(c), median(sc))
	}
	printBaseline(w, rounds)
	for _, h := range hodan {
		if !h.OK {
			fmt.Fprintf(w, "\nround %d: NOT OK: %s\n", h.Round, h.Note)
		}
	}
	return nil
}

// printBaseline prints, for the rounds that measured a baseline build
// beside this one (-baseline), each step's medians of both and the median
// of the per-round ratios this/baseline, with each round's.
func printBaseline(w io.Writer, rounds []map[string]result) {
	var paired [][2]result // this build, baseline
	for _, r := range rounds {
		h, ok1 := r["hodan"]
		b, ok2 := r["baseline"]
		if ok1 && ok2 {
			paired = append(paired, [2]result{h, b})
		}
	}
	if len(paired) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d rounds beside the baseline build\n\n", len(paired))
	fmt.Fprintln(w, "| step | baseline | this build | this / baseline | per round |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, name := range []string{"push", "edits", "idle", "bootstrap", "bootstrap_snapshot", "write"} {
		for _, m := range []struct {
			what string
			f    func(step) float64
		}{{"wall", wall}, {"laptop CPU", func(s step) float64 { return s.CPU }}, {"server CPU", func(s step) float64 { return s.ServerCPU }}} {
			var hs, bs, ratios []float64
			for _, p := range paired {
				h, b := m.f(p[0].Steps[name]), m.f(p[1].Steps[name])
				hs, bs = append(hs, h), append(bs, b)
				if b > 0 {
					ratios = append(ratios, h/b)
				}
			}
			if median(bs) == 0 {
				continue // no server CPU to speak of
			}
			fmt.Fprintf(w, "| %s, %s | %s | %s | %.2f | %s |\n", name, m.what, format(median(bs), "s"), format(median(hs), "s"),
				median(ratios), perRound(ratios))
		}
	}
}

// readResults reads a results file into rounds, each side by name.
func readResults(path string) ([]map[string]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rounds []map[string]result
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for len(rounds) < r.Round {
			rounds = append(rounds, map[string]result{})
		}
		rounds[r.Round-1][r.Side] = r
	}
	return rounds, sc.Err()
}

func loads(rounds []map[string]result) string {
	var out []string
	for _, r := range rounds {
		out = append(out, strings.TrimSpace(r["pouchdb"].Load)+" | "+strings.TrimSpace(r["hodan"].Load))
	}
	return strings.Join(out, "; ")
}

// perRound is each round's ratio, as the summary's last column says them.
func perRound(ratios []float64) string {
	per := make([]string, len(ratios))
	for i, r := range ratios {
		per[i] = fmt.Sprintf("%.2f", r)
	}
	return strings.Join(per, " ")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func format(v float64, unit string) string {
	switch {
	case unit == "s":
		return fmt.Sprintf("%.3f s", v)
	case v >= 1e6:
		return fmt.Sprintf("%.2f MB", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f KB", v/1e3)
	}
	return fmt.Sprintf("%.0f B", v)
}
