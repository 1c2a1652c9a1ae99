package ops

import (
	"context"

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
