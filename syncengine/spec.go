package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TableSpec declares one synced table to the engine. The engine keeps the
// table's merged state in its own cell store and projects it into a domain
// table of the same name, whose primary key is a TEXT column "id" holding
// the row's UUID and whose other columns are Columns.
//
// A root table names its ScopeColumn, whose value is the row's scope and can
// never change. A child table names ParentColumn and ParentTable instead: its
// rows take the scope of their parent row.
type TableSpec struct {
	Name         string
	ScopeColumn  string
	ParentColumn string
	ParentTable  string
	Columns      []string
}

// Migration is one step of a database's history, applied once, in its own
// transaction, and recorded by Name.
type Migration struct {
	Name string
	Up   func(ctx context.Context, tx *sql.Tx) error
}

// Config is what Open needs to know about the replica's tables.
type Config struct {
	// Tables are the synced tables, parents before children.
	Tables []TableSpec
	// Migrations create the domain tables and anything else the application
	// keeps in the same file. They run after the engine's own migrations.
	Migrations []Migration
	// Now is the wall clock; nil means time.Now. Tests replace it.
	Now func() time.Time
	// ClockTolerance is how far past its wall clock the replica's clock
	// follows the stamps it receives (see Clock.Observe); 0 means
	// DefaultClockTolerance. A server sets it to the skew it accepts.
	ClockTolerance time.Duration
	// ReadOnly opens an existing, fully migrated database without writing to
	// it, for reading while another process serves it.
	ReadOnly bool
	// WriteWaits is how many times a write waits SQLite's busy timeout (10
	// seconds) for another process's write transaction to end before it
	// gives up; 0 means once. A command that should outlast a colleague's
	// long import sets more.
	WriteWaits int
	// Waiting, if set, is told when a write has waited the busy timeout
	// once and waits again, at most once per write.
	Waiting func()
}

func (s *TableSpec) hasColumn(name string) bool {
	for _, c := range s.Columns {
		if c == name {
			return true
		}
	}
	return false
}

func (cfg *Config) validate() error {
	seen := map[string]bool{}
	for _, t := range cfg.Tables {
		if t.Name == "" || seen[t.Name] {
			return fmt.Errorf("table spec %q: empty or repeated name", t.Name)
		}
		if (t.ScopeColumn == "") == (t.ParentColumn == "") {
			return fmt.Errorf("table spec %q: exactly one of ScopeColumn and ParentColumn must be set", t.Name)
		}
		if t.ParentColumn != "" && !seen[t.ParentTable] {
			return fmt.Errorf("table spec %q: parent %q must be declared before it", t.Name, t.ParentTable)
		}
		key := t.ScopeColumn + t.ParentColumn
		if !t.hasColumn(key) {
			return fmt.Errorf("table spec %q: column %q is not among its columns", t.Name, key)
		}
		seen[t.Name] = true
	}
	return nil
}
