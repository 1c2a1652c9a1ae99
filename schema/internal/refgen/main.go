// Command refgen turns the raw reference data of ../shared/refdata into the
// compact CSV files that package schema embeds (schema/refdata/*.csv).
//
// The generated files are committed, so builds never need the raw data; run
// refgen again (go generate ./schema) only when the raw data changes. Output is
// deterministic: the same input always gives byte-identical files.
//
// refgen fails when a file does not have the shape or the row counts it
// expects. Where two sources of the 1 July 2025 commune mapping disagree, it
// keeps going, says which side it kept, and prints every disagreement.
//
// Usage:
//
//	go run ./schema/internal/refgen -src ../shared/refdata -out schema/refdata
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	src := flag.String("src", "../shared/refdata", "directory with the raw reference data")
	out := flag.String("out", "schema/refdata", "directory to write the generated CSV files to")
	flag.Parse()
	if err := run(*src, *out, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "refgen: %v\n", err)
		os.Exit(1)
	}
}

// run builds every table from the raw data in src, writes them to out, and
// prints their row counts and the report to w. Nothing is written when a
// source fails its checks.
func run(src, out string, w io.Writer) error {
	rep := &report{issues: map[string][]string{}}
	tables, err := build(src, rep)
	if err != nil {
		return err
	}
	if err := writeTables(out, tables, w); err != nil {
		return err
	}
	printReport(w, rep)
	return nil
}

// build reads and checks every source and returns the tables in the order
// they are written and listed.
func build(src string, rep *report) ([]table, error) {
	tables, err := lists(src)
	if err != nil {
		return nil, err
	}
	old, err := readAdmin2008(src)
	if err != nil {
		return nil, err
	}
	cur, err := readAdmin2025(src, rep)
	if err != nil {
		return nil, err
	}
	succ, err := successions(src, old, cur, rep)
	if err != nil {
		return nil, err
	}
	return append(tables, provincesTable(old, cur), old.districts, communesTable(old, cur), succ), nil
}

// writeTables writes each table to its file in out and lists its row count on w.
func writeTables(out string, tables []table, w io.Writer) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	for _, t := range tables {
		if err := writeTable(filepath.Join(out, t.file), t); err != nil {
			return err
		}
		fmt.Fprintf(w, "%-26s %6d rows\n", t.file, len(t.rows))
	}
	return nil
}
