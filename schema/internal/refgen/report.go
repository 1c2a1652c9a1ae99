package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
)

// report collects facts worth a look (notes) and the disagreements between
// sources (issues, by topic), so that none is dropped silently.
type report struct {
	notes  []string
	issues map[string][]string
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *report) add(topic, format string, args ...any) {
	r.issues[topic] = append(r.issues[topic], fmt.Sprintf(format, args...))
}

// printReport prints the notes in the order they were taken, then the issues
// sorted by topic and line, so that the output is the same on every run.
func printReport(w io.Writer, rep *report) {
	for _, n := range rep.notes {
		fmt.Fprintln(w, n)
	}
	if len(rep.issues) == 0 {
		fmt.Fprintln(w, "no disagreements between sources")
		return
	}
	fmt.Fprintln(w, "disagreements between sources:")
	for _, topic := range slices.Sorted(maps.Keys(rep.issues)) {
		lines := slices.Sorted(slices.Values(rep.issues[topic])) // map order must not leak
		fmt.Fprintf(w, "%s: %d\n", topic, len(lines))
		for _, line := range lines {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}
