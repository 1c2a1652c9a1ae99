package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Table is one synced table. Every table has a TEXT primary key "id" (a
// UUID made by the replica that created the row) besides its Columns.
//
// A root table (villages, households) has a ScopeColumn: the commune code
// that scopes the row, set when the row is created and never changed. A
// child table has a ParentColumn naming a row of ParentTable, whose scope
// it takes.
type Table struct {
	Name         string // SQL name
	Noun         string // command-line noun, singular
	Label        string // Vietnamese name, for people
	ScopeColumn  string
	ParentColumn string
	ParentTable  string
	Columns      []Column
	// Summary names the columns a list shows, besides the id.
	Summary []string
	// NameColumn is the column that holds the name people know a record
	// by (a village's, a household's head's, a member's), in which a
	// search by name looks; "" for records that have none (a visit).
	NameColumn string
	// Names are the columns that name a record for people, in the order
	// they are shown: "Lò Văn Sáu, 12" for a household.
	Names []string
}

// Column returns the column with the given name.
func (t *Table) Column(name string) (*Column, bool) {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i], true
		}
	}
	return nil, false
}

// ColumnNames lists the columns in declaration order, without "id".
func (t *Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// CheckInsert checks the values of a new row: every column is known, every
// value obeys its column's rule, and every required column is set.
func (t *Table) CheckInsert(values map[string]any) error {
	if err := t.checkValues(values); err != nil {
		return err
	}
	for _, c := range t.Columns {
		if c.Required && values[c.Name] == nil {
			return &Error{Code: CodeRequired, Column: c.Name, Message: fmt.Sprintf("%s is required", c.Name)}
		}
	}
	return nil
}

// CheckUpdate checks new values for an existing row: every column is known
// and may change, every value obeys its rule, and no required column is
// cleared.
func (t *Table) CheckUpdate(values map[string]any) error {
	for _, name := range sortedKeys(values) {
		if c, ok := t.Column(name); ok && (c.Immutable || name == t.ScopeColumn) {
			return &Error{Code: CodeImmutable, Column: name, Args: []any{t.Noun}, Message: fmt.Sprintf("%s cannot change once the %s is recorded", name, t.Noun)}
		}
		if c, ok := t.Column(name); ok && c.Internal {
			return &Error{Code: CodeImmutable, Column: name, Reason: ReasonInternal, Message: fmt.Sprintf("%s is written by Hodan's own commands, not set by hand", name)}
		}
	}
	if err := t.checkValues(values); err != nil {
		return err
	}
	for _, name := range sortedKeys(values) {
		if c, _ := t.Column(name); c.Required && values[name] == nil {
			return &Error{Code: CodeRequired, Column: name, Reason: ReasonCleared, Message: fmt.Sprintf("%s is required and cannot be cleared", name)}
		}
	}
	return nil
}

func (t *Table) checkValues(values map[string]any) error {
	for _, name := range sortedKeys(values) {
		c, ok := t.Column(name)
		if !ok {
			return &Error{Code: CodeUnknownColumn, Column: name, Args: []any{t.Name, strings.Join(t.ColumnNames(), ", ")},
				Message: fmt.Sprintf("%s has no column %q (columns: %s)", t.Name, name, strings.Join(t.ColumnNames(), ", "))}
		}
		if err := c.Check(values[name]); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
