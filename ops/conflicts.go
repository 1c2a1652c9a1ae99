package ops

import (
	"context"
	"database/sql"
	"strings"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// Conflicts are the conflicts this replica holds in who's communes, open
// ones first, naming the officers who wrote each value by names.
func Conflicts(ctx context.Context, db *syncengine.DB, who Actor, names Namer) ([]syncengine.ConflictView, error) {
	found, err := db.Conflicts(ctx, syncengine.ConflictQuery{Scopes: who.Communes})
	if err != nil {
		return nil, err
	}
	return syncengine.Views(found, names), nil
}

// OpenConflicts counts the conflicts of who's communes nobody has
// resolved: a count the engine keeps, recounted only when the log moved
// (syncengine.DB.OpenConflicts).
func OpenConflicts(ctx context.Context, db *syncengine.DB, who Actor) (int, error) {
	return db.OpenConflicts(ctx, who.Communes)
}

// FindListed finds what a list of conflicts and orphans (Conflicts, then
// Orphans) lists under id, or the beginning of it (4 characters or more):
// a conflict or an orphaned record.
func FindListed(ctx context.Context, db *syncengine.DB, who Actor, names Namer, id string) (*syncengine.ConflictView, *reconcile.Orphan, error) {
	views, err := Conflicts(ctx, db, who, names)
	if err != nil {
		return nil, nil, err
	}
	orphans, err := Orphans(ctx, db, who, names)
	if err != nil {
		return nil, nil, err
	}
	prefix := strings.ToLower(strings.TrimSpace(id))
	var v *syncengine.ConflictView
	var o *reconcile.Orphan
	found := 0
	for i := range views {
		if strings.HasPrefix(views[i].ID, prefix) {
			v, found = &views[i], found+1
		}
	}
	for i := range orphans {
		if strings.HasPrefix(orphans[i].ID, prefix) {
			o, found = &orphans[i], found+1
		}
	}
	switch {
	case found == 0:
		return nil, nil, fail("error.no_conflict", id)
	case found == 1 && len(prefix) >= 4:
		return v, o, nil
	}
	return nil, nil, fail("error.conflict_ambiguous", id)
}

// Keep says which value of a conflict a resolution keeps.
const (
	KeepMine   = "mine"   // the value this replica wrote
	KeepTheirs = "theirs" // the value the other replica wrote
)

// Resolved is what resolving a conflict wrote: the value, into which
// field of which table.
type Resolved struct {
	Value  any
	Table  *schema.Table
	Column *schema.Column
}

// ResolveConflict resolves conflict v with an ordinary write that syncs:
// the value keep names (KeepMine or KeepTheirs), or, with keep "", value,
// read as the field reads what people type.
func ResolveConflict(ctx context.Context, db *syncengine.DB, v syncengine.ConflictView, keep, value string) (Resolved, error) {
	r, err := conflictField(v)
	if err != nil {
		return r, err
	}
	chosen, err := chooseValue(v, db.Site(), r.Column, keep, value)
	if err != nil {
		return r, err
	}
	return resolveTo(ctx, db, v, r, chosen, nil)
}

// ResolveKeeping resolves conflict v keeping the value of its write
// v.Values[write], whichever replica wrote it: a laptop that resolves a
// conflict between two other officers has no value of its own to keep,
// and the web app shows each side with its own button.
func ResolveKeeping(ctx context.Context, db *syncengine.DB, v syncengine.ConflictView, write int) (Resolved, error) {
	return ResolveKeepingLogged(ctx, db, v, write, nil)
}

// ResolveKeepingLogged is ResolveKeeping with log run last in its
// transaction: a server's action log entry of the resolution, kept if and
// only if the resolution is. An error of log undoes the resolution.
func ResolveKeepingLogged(ctx context.Context, db *syncengine.DB, v syncengine.ConflictView, write int,
	log func(tx *sql.Tx) error) (Resolved, error) {
	r, err := conflictField(v)
	if err != nil {
		return r, err
	}
	if write < 0 || write >= len(v.Values) {
		return r, fail("error.resolve_no_write", v.ID[:8], write)
	}
	return resolveTo(ctx, db, v, r, v.Values[write].Value.Any(), log)
}

// conflictField is the table and column of conflict v.
func conflictField(v syncengine.ConflictView) (Resolved, error) {
	var r Resolved
	var ok bool
	if r.Table, ok = schema.TableByName(v.Table); !ok {
		return r, fail("error.conflict_table", v.ID, v.Table)
	}
	if r.Column, ok = r.Table.Column(v.Column); !ok {
		return r, fail("error.conflict_column", v.ID, v.Column)
	}
	return r, nil
}

// resolveTo writes chosen into conflict v's field, r, after checking it,
// and runs log (if not nil) in the same transaction.
func resolveTo(ctx context.Context, db *syncengine.DB, v syncengine.ConflictView, r Resolved, chosen any,
	log func(tx *sql.Tx) error) (Resolved, error) {
	if err := r.Column.Check(chosen); err != nil {
		return r, err
	}
	if r.Column.Required && chosen == nil {
		return r, fail("error.resolve_required", ColumnLabel(v.Column))
	}
	var logErr error
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		if err := tx.Resolve(v.Table, v.Row, v.Column, chosen); err != nil || log == nil {
			return err
		}
		logErr = log(tx.SQL())
		return logErr
	})
	switch {
	case logErr != nil:
		return r, logErr // the caller's own failure, not the resolution's
	case err != nil:
		return r, fail("error.resolve", v.ID, err)
	}
	r.Value = chosen
	return r, nil
}

// chooseValue is the value a resolution writes.
func chooseValue(v syncengine.ConflictView, me syncengine.SiteID, col *schema.Column, keep, value string) (any, error) {
	if keep == "" {
		return col.Parse(value)
	}
	var mine, theirs *syncengine.ConflictWrite
	for i := range v.Values {
		if v.Values[i].Site == me {
			mine = &v.Values[i]
		} else {
			theirs = &v.Values[i]
		}
	}
	if mine == nil {
		return nil, fail("error.resolve_no_mine", v.ID)
	}
	if keep == KeepMine {
		return mine.Value.Any(), nil
	}
	return theirs.Value.Any(), nil
}
