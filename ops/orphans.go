package ops

import (
	"context"
	"errors"

	"hodan/internal/i18n"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// Orphaned records (reconcile.Orphans) are listed, shown and settled with
// the conflicts. The rules are reconcile's; these functions are the one
// place front ends call them through.

// Orphans are the orphans of who's communes, naming who deleted what by
// names.
func Orphans(ctx context.Context, db *syncengine.DB, who Actor, names Namer) ([]reconcile.Orphan, error) {
	return reconcile.Orphans(ctx, db, who.Communes, names)
}

// orphanOf is the orphan the row id of t is, or nil.
func orphanOf(ctx context.Context, db *syncengine.DB, who Actor, names Namer, t *schema.Table, id syncengine.RowID) (*reconcile.Orphan, error) {
	orphans, err := Orphans(ctx, db, who, names)
	if err != nil {
		return nil, err
	}
	want := syncengine.OrphanID(t.Name, id)
	for i := range orphans {
		if orphans[i].ID == want {
			return &orphans[i], nil
		}
	}
	return nil, nil
}

// deletedRow is the error of showing a row this replica holds deleted:
// who deleted it and when, where its records are; nil for a row it never
// held.
func deletedRow(ctx context.Context, db *syncengine.DB, names Namer, t *schema.Table, id syncengine.RowID) error {
	ts, err := db.Tombstone(ctx, t.Name, id)
	if err != nil || ts.CL == 0 || syncengine.Alive(ts.CL) {
		return err
	}
	o := reconcile.Orphan{Deleted: reconcile.Deleted{Officer: names(ts.DeletedBy)}}
	if ts.DeletedBy != (syncengine.SiteID{}) {
		at := ts.DeletedAt.Time()
		o.Deleted.Site, o.Deleted.At = ts.DeletedBy.String(), &at
	}
	return fail("orphans.error_deleted_row", Noun(t.Noun), id, said(func(l i18n.Lang) string { return DeletedBy(l, o) }), DeletedOn(o))
}

// DeletedBy names, in l, who deleted what o misses: the officer, else the
// device.
func DeletedBy(l i18n.Lang, o reconcile.Orphan) string {
	switch {
	case o.Deleted.Officer != "":
		return o.Deleted.Officer
	case o.Deleted.Site != "":
		return i18n.T(l, "orphans.other_officer", o.Deleted.Site[:8])
	}
	return i18n.T(l, "orphans.unknown")
}

// DeletedOn is the day what o misses was deleted, on this machine's clock;
// "-" when unknown.
func DeletedOn(o reconcile.Orphan) string {
	if o.Deleted.At == nil {
		return "-"
	}
	return DateText(*o.Deleted.At)
}

// Settlement is how to settle an orphan: one of Restore (bring back what
// it misses), MoveTo (the id of a record to move it to, or the beginning
// of it) and Delete (WithChildren: a household with its own records).
type Settlement struct {
	Restore, Delete, WithChildren bool
	MoveTo                        string
}

// Ways is how many ways s asks for (WithChildren is not one).
func (s Settlement) Ways() int {
	n := 0
	for _, set := range []bool{s.Restore, s.MoveTo != "", s.Delete} {
		if set {
			n++
		}
	}
	return n
}

// Check refuses a settlement of o that is not exactly one way.
func (s Settlement) Check(o reconcile.Orphan) error {
	if s.Ways() != 1 {
		return fail("orphans.error_how", o.ID[:8])
	}
	if s.WithChildren && !s.Delete {
		return fail("orphans.error_with_children")
	}
	return nil
}

// Settled is how an orphan was settled: Way is "restored", "moved" or
// "deleted"; a move names the record it moved to (Target's To, ToName);
// Changes counts the writes, those of settling merges after it too.
type Settled struct {
	Way     string
	Target  *schema.Table
	To      syncengine.RowID
	ToName  string
	Changes int
}

// SettleOrphan settles o the one way s says, for who, then settles the
// merges of who's communes (a restored or re-merged household takes its
// merged family's records), in one transaction.
func SettleOrphan(ctx context.Context, db *syncengine.DB, who Actor, o reconcile.Orphan, s Settlement) (Settled, error) {
	if err := s.Check(o); err != nil {
		return Settled{}, err
	}
	st := Settled{Way: "moved"}
	st.Target = reconcile.MoveTable(o)
	if s.MoveTo != "" {
		var err error
		if st.To, err = ResolveID(db.SQL(), st.Target, s.MoveTo); err != nil {
			return Settled{}, err
		}
	}
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		var err error
		switch {
		case s.Restore:
			st.Way, err = "restored", reconcile.Restore(tx, o)
		case s.Delete:
			st.Way, err = "deleted", reconcile.DeleteOrphan(tx, o, s.WithChildren)
		default:
			err = reconcile.MoveTo(tx, o, st.To)
		}
		if err == nil {
			err = SettleMerges(tx, who.Communes)
		}
		st.Changes = tx.Changes()
		return err
	})
	if err != nil {
		return Settled{}, settleError(o, st.Target, s.MoveTo, err)
	}
	st.ToName, err = reconcile.RecordName(ctx, db.SQL(), st.Target.Name, st.To)
	return st, err
}

// settleError says why settling o failed.
func settleError(o reconcile.Orphan, target *schema.Table, to string, err error) error {
	var deps *reconcile.DependentsError
	switch {
	case errors.Is(err, reconcile.ErrSettled):
		return fail("orphans.error_settled", o.ID[:8])
	case errors.Is(err, reconcile.ErrNotRestorable):
		return fail("orphans.error_not_restorable", NounOf(o.Deleted.Table), o.Deleted.ID)
	case errors.Is(err, reconcile.ErrMoveTarget):
		return fail("orphans.error_move_target", Noun(target.Noun), to, o.Commune, target.Noun)
	case errors.As(err, &deps):
		return dependentsError(deps)
	}
	return fail("orphans.error_settle", o.ID[:8], err)
}
