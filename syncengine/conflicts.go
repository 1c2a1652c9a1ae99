package syncengine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Conflict is a write that displaced a value its writer had not seen: two
// officers changed one field of one record without knowing of each other's
// change. Last-writer-wins already chose the value every replica shows
// (Winner); the conflict is what people must look at.
//
// Conflicts are a function of the set of changes a replica holds, never of
// the order they arrived in: the writes of one cell, in version order, are
// looked at pairwise, each with the next, and a pair is a conflict when the
// later write's base (the HLC of the value its writer saw) is older than
// the earlier write, and the two values differ. So every replica holding
// the same changes lists the same conflicts, with the same ids.
type Conflict struct {
	ID     string
	Table  string
	Row    RowID
	Column string
	Scope  string
	Loser  Change // the displaced write
	Winner Change // the write that displaced it
	// Current is the cell's latest write: Winner, or a later one.
	Current Change
	// Resolved is set once someone wrote the cell having seen Winner
	// (Current is that write), or the row was deleted since.
	Resolved bool
}

// ConflictQuery selects conflicts. Zero fields select everything.
type ConflictQuery struct {
	Scopes []string // only these scopes
	Table  string   // only this table
	Row    RowID    // only this row (with Table)
}

// Conflicts lists the conflicts the replica's log holds, in a stable order
// (table, row, column, then the loser's version). It reads the log entries
// of the contested cells q selects only (contested.go).
func (db *DB) Conflicts(ctx context.Context, q ConflictQuery) ([]Conflict, error) {
	query, args := conflictsQuery(q)
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read conflicts: %w", err)
	}
	changes, err := db.scanChanges(ctx, db.r, rows, nil)
	if err != nil {
		return nil, fmt.Errorf("read conflicts: %w", err)
	}
	return db.conflictsOf(ctx, changes)
}

// conflictsOf finds the conflicts among changes, the writes of cells
// written more than once, cell by cell.
func (db *DB) conflictsOf(ctx context.Context, changes []Change) ([]Conflict, error) {
	var out []Conflict
	for start := 0; start < len(changes); {
		end := start + 1
		for end < len(changes) && sameCell(&changes[start], &changes[end]) {
			end++
		}
		found, err := db.cellConflicts(ctx, changes[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
		start = end
	}
	return out, nil
}

// conflictsQuery is the query of Conflicts: the log entries of the
// contested cells q selects, cell by cell, read through the index of
// contested cells (its key leads with the scope) and then the log by its
// primary key.
func conflictsQuery(q ConflictQuery) (string, []any) {
	where, args := q.where("x.")
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	return `SELECT ` + logColumns + ` FROM sync_contested x JOIN sync_log l ON l.seq = x.seq` + filter + `
		ORDER BY x.tbl, x.row_id, x.col, x.seq`, args
}

// where is q's conditions on the columns scope, tbl and row_id of the
// table alias names ("x."), and their arguments.
func (q ConflictQuery) where(alias string) ([]string, []any) {
	var where []string
	var args []any
	if len(q.Scopes) > 0 {
		where = append(where, alias+"scope IN ("+placeholders(len(q.Scopes))+")")
		args = append(args, anys(q.Scopes)...)
	}
	if q.Table != "" {
		where = append(where, alias+"tbl = ?")
		args = append(args, q.Table)
	}
	if q.Row != (RowID{}) {
		where = append(where, alias+"row_id = ?")
		args = append(args, q.Row[:])
	}
	return where, args
}

func sameCell(a, b *Change) bool {
	return a.Table == b.Table && a.Row == b.Row && a.Column == b.Column
}

// cellConflicts finds the conflicts among the writes of one cell.
func (db *DB) cellConflicts(ctx context.Context, cell []Change) ([]Conflict, error) {
	SortCell(cell)
	var out []Conflict
	for i := 0; i+1 < len(cell); i++ {
		loser, winner := cell[i], cell[i+1]
		if !Conflicting(cell, &loser, &winner) {
			continue
		}
		out = append(out, Conflict{
			ID: conflictID(&loser, &winner), Table: winner.Table, Row: winner.Row, Column: winner.Column,
			Scope: winner.Scope, Loser: loser, Winner: winner,
		})
	}
	if len(out) == 0 {
		return nil, nil
	}
	current := cell[len(cell)-1]
	var rowCL uint64
	if err := db.r.QueryRowContext(ctx, `SELECT cl FROM sync_rows WHERE tbl = ? AND row_id = ?`,
		current.Table, current.Row[:]).Scan(&rowCL); err != nil {
		return nil, fmt.Errorf("read row of a conflict: %w", err)
	}
	for i := range out {
		out[i].Current = current
		out[i].Resolved = rowCL != out[i].Winner.CL || seenAfter(cell, &out[i].Winner)
	}
	return out, nil
}

// SortCell puts the writes of one cell in version order: the order the
// merge ranks them in, the last the cell's value.
func SortCell(cell []Change) {
	sort.Slice(cell, func(i, j int) bool { return cell[j].version().beats(cell[i].version()) })
}

// Conflicting reports whether winner, the write after loser in the version
// order of their cell, displaced loser without its writer having seen it:
// a conflict for people to look at (see Conflict).
func Conflicting(cell []Change, loser, winner *Change) bool {
	return loser.CL == winner.CL && loser.Site != winner.Site && winner.Base < loser.HLC &&
		!loser.Value.Equal(winner.Value) && !sawValue(cell, winner, loser.Value)
}

// sawValue reports whether the writer of w saw value in the cell: the
// write w replaced (whose HLC is w's base) held it. A writer who saw an
// equal value written by someone else displaced nothing unseen.
func sawValue(cell []Change, w *Change, value Value) bool {
	for i := range cell {
		if cell[i].HLC == w.Base && cell[i].CL == w.CL && cell[i].Value.Equal(value) {
			return true
		}
	}
	return false
}

// seenAfter reports whether a write of the cell later than w was made by a
// writer that had seen w.
func seenAfter(cell []Change, w *Change) bool {
	for i := len(cell) - 1; i >= 0 && cell[i].version().beats(w.version()); i-- {
		if cell[i].Base >= w.HLC {
			return true
		}
	}
	return false
}

// conflictID names a conflict by its two writes, the same on every replica.
func conflictID(loser, winner *Change) string {
	h := sha256.New()
	for _, c := range []*Change{loser, winner} {
		h.Write(c.Site[:])
		h.Write(binary.BigEndian.AppendUint64(nil, c.Seq))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Resolve writes value to a live row's column as the answer to a conflict:
// unlike Update, it writes even a value equal to the current one, so that
// every replica learns the conflict was looked at. Its base is the HLC of
// the value this replica holds, which is at least the conflict's winner.
func (tx *Tx) Resolve(table string, id RowID, column string, value any) error {
	return tx.update(table, id, map[string]any{column: value}, true)
}

// ConflictsResponse lists the conflicts in the caller's scopes, as the
// server holds them, with the officers who wrote each value.
type ConflictsResponse struct {
	Conflicts []ConflictView `json:"conflicts"`
}

// ConflictView is a conflict as people read it.
type ConflictView struct {
	ID     string `json:"id"`
	Table  string `json:"table"`
	Row    RowID  `json:"row_id"`
	Column string `json:"column"`
	Scope  string `json:"commune"`
	// Values are the displaced write, then the one that displaced it.
	Values   []ConflictWrite `json:"values"`
	Current  Value           `json:"current"`
	Resolved bool            `json:"resolved"`
}

// ConflictWrite is one side of a conflict.
type ConflictWrite struct {
	Value     Value     `json:"value"`
	Site      SiteID    `json:"site"`
	Officer   string    `json:"officer,omitempty"`
	WrittenAt time.Time `json:"written_at"`
	Won       bool      `json:"won"`
}

// Views are conflicts as people read them, open ones first, each group in
// the order given; officer names the officer of a site, or "".
func Views(found []Conflict, officer func(SiteID) string) []ConflictView {
	views := make([]ConflictView, 0, len(found))
	for _, resolved := range []bool{false, true} {
		for i := range found {
			if found[i].Resolved == resolved {
				views = append(views, found[i].View(officer))
			}
		}
	}
	return views
}

// OpenOnly keeps the conflicts nobody has resolved.
func OpenOnly(views []ConflictView) []ConflictView {
	kept := make([]ConflictView, 0, len(views))
	for _, v := range views {
		if !v.Resolved {
			kept = append(kept, v)
		}
	}
	return kept
}

// FindConflict returns the one conflict whose id begins with prefix (at
// least 4 characters, any case).
func FindConflict(views []ConflictView, prefix string) (ConflictView, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	var found []ConflictView
	for _, v := range views {
		if len(prefix) >= 4 && strings.HasPrefix(v.ID, prefix) {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return ConflictView{}, fmt.Errorf("no conflict %q here: the list of conflicts shows their ids", prefix)
	}
	return ConflictView{}, fmt.Errorf("more than one conflict id begins with %q: give more of it", prefix)
}

// View is the conflict as people read it; officer names the officer of a
// site, or "" when it is not known.
func (c *Conflict) View(officer func(SiteID) string) ConflictView {
	side := func(w *Change, won bool) ConflictWrite {
		return ConflictWrite{Value: w.Value, Site: w.Site, Officer: officer(w.Site), WrittenAt: w.HLC.Time().UTC(), Won: won}
	}
	return ConflictView{
		ID: c.ID, Table: c.Table, Row: c.Row, Column: c.Column, Scope: c.Scope,
		Values:  []ConflictWrite{side(&c.Loser, false), side(&c.Winner, true)},
		Current: c.Current.Value, Resolved: c.Resolved,
	}
}
