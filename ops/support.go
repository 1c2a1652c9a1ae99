package ops

import (
	"context"
	"database/sql"
	"errors"
	"maps"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// SupportRepeats says, before support is recorded, whether it would give
// the household a kind of support the programmes allow once (ever, or once
// a year) a second time: the overlap (reconcile.SupportOverlaps' rule)
// the record values would make, its Records those the household received
// before (the new one left out), or nil. The record is counted as received, whatever its status, dated by
// its delivered date, else its planned date, else day: what matters when
// it is recorded is whether the household would get it twice. Nothing is
// written: the record is tried in a transaction that is rolled back.
func SupportRepeats(ctx context.Context, db *syncengine.DB, who Actor, values map[string]any, day Day) (*reconcile.Overlap, error) {
	kind, _ := values[schema.ColKind].(string)
	if _, checked := reconcile.PeriodOf(kind); !checked {
		return nil, nil
	}
	v := maps.Clone(values)
	if err := ApplyDefaults(who, schema.SupportRecords, v, day.Date); err != nil {
		return nil, err
	}
	v[schema.ColStatus] = "delivered"
	if v[schema.ColDeliveredDate] == nil && v[schema.ColPlannedDate] == nil && day.Date != "" {
		v[schema.ColDeliveredDate] = day.Date
	}
	var found *reconcile.Overlap
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		id, scope, err := insertRecord(tx, who, schema.SupportRecords, v)
		if err != nil {
			return err
		}
		overlaps, err := reconcile.SupportOverlaps(ctx, txReader{tx}, 0, []string{scope})
		if err != nil {
			return err
		}
		found = overlapWith(overlaps, id.String())
		return errLookOnly
	})
	if errors.Is(err, errLookOnly) {
		err = nil
	}
	return found, err
}

// errLookOnly rolls back a transaction that only looked at what a write
// would do.
var errLookOnly = errors.New("look only")

// overlapWith is the overlap among overlaps that holds the support record
// id, without it: the records the household received before.
func overlapWith(overlaps []reconcile.Overlap, id string) *reconcile.Overlap {
	for _, o := range overlaps {
		for i, r := range o.Records {
			if r.ID == id {
				o.Records = append(o.Records[:i:i], o.Records[i+1:]...)
				return &o
			}
		}
	}
	return nil
}

// txReader reads within a write transaction, for reconcile's findings.
type txReader struct{ tx *syncengine.Tx }

func (r txReader) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.tx.Query(query, args...)
}
