package ops

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// FieldChange is one write in a record's history: a value one of its
// fields took, or the record's creation, delete or restoring; who wrote
// it, when, what it replaced, and what became of it.
type FieldChange struct {
	// Column is the field; "" for the record's existence.
	Column string `json:"column"`
	// Value is what was written: for the record's existence, its causal
	// length (odd: alive, even: deleted).
	Value syncengine.Value `json:"value"`
	// Replaced is the value this write displaced, in the order the merge
	// ranks the field's writes; nil for the field's first write and for
	// the record's existence.
	Replaced *syncengine.Value `json:"replaced,omitempty"`
	// At is when it was written, on its writer's clock; HLC is its stamp,
	// which orders writes made in one millisecond.
	At  time.Time      `json:"at"`
	HLC syncengine.HLC `json:"hlc"`
	// Officer is who wrote it, when this replica can name them; Site is
	// the replica it was written on.
	Officer string            `json:"officer,omitempty"`
	Site    syncengine.SiteID `json:"site"`
	// Outcome is what became of it (syncengine.Outcome...): the field's
	// value now, overwritten, lost to a concurrent write (a conflict), or
	// for the record's existence created, deleted or restored.
	Outcome string `json:"outcome"`
}

// History is the history of the record of t that ref names (its id, or
// the beginning of it), from this replica's log: every write of each of
// its fields and of its existence that the replica holds, in the order
// they were written (by their stamps, then by replica), each with what it
// replaced in the merged order and what became of it. The record must be
// one of who's communes; names names the officers.
func History(ctx context.Context, db *syncengine.DB, who Actor, names Namer, t *schema.Table, ref string) ([]FieldChange, error) {
	id, err := ResolveID(db.SQL(), t, ref)
	if err != nil {
		return nil, err
	}
	log, err := db.RowLog(ctx, t.Name, id)
	if err != nil {
		return nil, err
	}
	if len(log) == 0 {
		return nil, fail("error.no_such_row", Noun(t.Noun), id, t.Noun)
	}
	if !who.InScope(log[0].Scope) {
		return nil, fail("error.row_other_commune", Noun(t.Noun), id, log[0].Scope)
	}
	out := make([]FieldChange, 0, len(log))
	cells := map[string][]syncengine.Change{}
	for _, c := range log {
		if c.IsExists() {
			out = append(out, fieldChange(c, nil, syncengine.RowOutcome(c.CL), names))
			continue
		}
		cells[c.Column] = append(cells[c.Column], c)
	}
	for _, cell := range cells {
		for _, st := range syncengine.CellHistory(cell) {
			out = append(out, fieldChange(st.Change, st.Replaced, st.Outcome, names))
		}
	}
	slices.SortStableFunc(out, func(a, b FieldChange) int {
		if c := cmp.Compare(a.HLC, b.HLC); c != 0 {
			return c
		}
		if c := bytes.Compare(a.Site[:], b.Site[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Column, b.Column)
	})
	return out, nil
}

func fieldChange(c syncengine.Change, replaced *syncengine.Value, outcome string, names Namer) FieldChange {
	return FieldChange{Column: c.Column, Value: c.Value, Replaced: replaced, At: c.HLC.Time(), HLC: c.HLC,
		Officer: names(c.Site), Site: c.Site, Outcome: outcome}
}
