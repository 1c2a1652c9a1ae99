// Package schema is Hodan's domain: the tables an officer records (villages,
// households, members, visits, support records, damage reports), their
// columns, enumerations and validation rules (among them how numbers are
// typed, number.go, and what text a field may hold, text.go), the embedded
// reference data (ethnic groups, the projects of program 1719,
// administrative units and their 1 July 2025 reorganisation, the poverty
// standard), and the migrations that create them in a SQLite database.
//
// The tables are declared once, here, and read by both binaries and, through
// them, by the sync engine: which tables sync, which column holds a row's
// scope (its commune), each column's type and rule. The package imports
// nothing of the project but schema/poverty, whose data files are the
// poverty standards (and, outside the project, golang.org/x/text for NFC).
package schema

import "sort"

// Tables returns the synced tables, parents before children. The returned
// tables are shared and must not be modified.
func Tables() []*Table { return tables }

// TableByName returns the table with the given SQL name.
func TableByName(name string) (*Table, bool) {
	for _, t := range tables {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// TableByNoun returns the table a command-line noun ("household") names.
func TableByNoun(noun string) (*Table, bool) {
	for _, t := range tables {
		if t.Noun == noun {
			return t, true
		}
	}
	return nil, false
}

// Nouns lists the command-line nouns of the tables, sorted.
func Nouns() []string {
	var out []string
	for _, t := range tables {
		out = append(out, t.Noun)
	}
	sort.Strings(out)
	return out
}
