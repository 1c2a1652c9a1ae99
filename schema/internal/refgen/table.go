package main

import (
	"fmt"
	"strings"
)

// table is one generated CSV file.
type table struct {
	file   string
	header []string
	rows   [][]string
}

// checkTable fails when t does not have want rows or when its first column,
// the code, is empty or repeated.
func checkTable(t table, want int) error {
	if len(t.rows) != want {
		return fmt.Errorf("%s: %d rows, want %d", t.file, len(t.rows), want)
	}
	seen := make(map[string]bool, len(t.rows))
	for _, row := range t.rows {
		if row[0] == "" || seen[row[0]] {
			return fmt.Errorf("%s: empty or repeated code %q", t.file, row[0])
		}
		seen[row[0]] = true
	}
	return nil
}

// byCols orders rows by the given columns, in turn.
func byCols(cols ...int) func(a, b []string) int {
	return func(a, b []string) int {
		for _, c := range cols {
			if n := strings.Compare(a[c], b[c]); n != 0 {
				return n
			}
		}
		return 0
	}
}

// clean collapses runs of white space and the HTML line breaks that some
// cells of the official dispatches carry.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "<br>", " ")), " ")
}
