package syncengine

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
)

// The merge reads ahead and writes in bulk (batch.go); these tests aim at
// the paths that shortcut: a change held twice in one page, a change held
// from an earlier transaction, sequence numbers too scattered to read as a
// range, and rows whose cells were read ahead.

// TestPageHoldingTheSameChangeTwice: the second copy is a duplicate, the
// log holds the change once, and a copy that differs is refused with
// nothing kept.
func TestPageHoldingTheSameChangeTwice(t *testing.T) {
	ctx := context.Background()
	site := uuid.New()
	batch := syntheticBatch(site, 1, 10)
	page := append(append([]Change{}, batch...), batch[3], batch[0])
	db := mustOpen(t, "srv")
	n, err := db.ApplyPulled(ctx, page, "", Cursor{})
	if err != nil || n != 10 {
		t.Fatalf("applied %d of a page of 10 changes and 2 copies: %v", n, err)
	}
	if got := len(allChanges(t, db)); got != 10 {
		t.Fatalf("log holds %d entries, want 10", got)
	}
	before := mustDigest(t, db, "05362")

	other := syntheticBatch(site, 11, 5)
	changed := other[2]
	changed.Value = Text("not the same")
	if _, err := db.ApplyPulled(ctx, append(other, changed), "", Cursor{}); !errors.Is(err, ErrSequenceReused) {
		t.Fatalf("a page holding two different changes under one number: err = %v, want ErrSequenceReused", err)
	}
	if got := len(allChanges(t, db)); got != 10 || mustDigest(t, db, "05362") != before {
		t.Fatalf("the refused page left %d log entries and digest changed: %v", got, mustDigest(t, db, "05362") != before)
	}
}

// TestHeldChangesAreFoundWhateverTheirNumbers: changes held from earlier
// transactions are recognised both when the page's numbers form a range
// read in one query and when they are too scattered for it; a held number
// with different content is refused either way.
func TestHeldChangesAreFoundWhateverTheirNumbers(t *testing.T) {
	ctx := context.Background()
	site := uuid.New()
	all := syntheticBatch(site, 1, 1000)
	for _, tc := range []struct {
		name string
		held []int // indexes of all applied first
		page []int // then this page
	}{
		{"range", []int{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		{"scattered", []int{0, 1, 2, 3, 4, 995, 996, 997, 998, 999}, []int{0, 1, 2, 3, 4, 995, 996, 997, 998, 999, 500, 501, 502, 503, 504}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pick := func(idx []int) []Change {
				out := make([]Change, len(idx))
				for i, j := range idx {
					out[i] = all[j]
				}
				return out
			}
			db := mustOpen(t, "srv")
			if _, err := db.ApplyPulled(ctx, pick(tc.held), "", Cursor{}); err != nil {
				t.Fatal(err)
			}
			n, err := db.ApplyPulled(ctx, pick(tc.page), "", Cursor{})
			if want := len(tc.page) - len(tc.held); err != nil || n != want {
				t.Fatalf("applied %d, want %d: %v", n, want, err)
			}
			if got := len(allChanges(t, db)); got != len(tc.page) {
				t.Fatalf("log holds %d entries, want %d", got, len(tc.page))
			}
			reused := all[tc.held[len(tc.held)-1]]
			reused.HLC++
			page := append(pick(tc.page), reused)
			if _, err := db.ApplyPulled(ctx, page, "", Cursor{}); !errors.Is(err, ErrSequenceReused) {
				t.Fatalf("held number with other content: err = %v, want ErrSequenceReused", err)
			}
		})
	}
}

// TestPageMergesLikeChangeByChange: a page touching rows that exist, with
// cells read ahead, a delete and re-creation, and edits losing to the
// cells held, gives the state that applying the same changes one page
// each gives.
func TestPageMergesLikeChangeByChange(t *testing.T) {
	ctx := context.Background()
	a, b := mustOpen(t, "a"), mustOpen(t, "b")
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": 10})
	mustInsert(t, a, "people", map[string]any{"village_id": v.String(), "name": "Lò Văn A"})
	mustWrite(t, b, func(tx *Tx) error { return nil })
	first := allChanges(t, a)

	// The second part: edits from a, and a delete, then re-creation, of
	// the village's row by hand-made changes of another site.
	mustWrite(t, a, func(tx *Tx) error {
		return tx.Update("villages", v, map[string]any{"name": "Bản Lác Mới", "size": 12})
	})
	other := uuid.New()
	var vcl uint64 = 1
	late := MakeHLC(1_800_000_000_000, 0)
	second := allChanges(t, a)[len(first):]
	second = append(second,
		Change{Table: "villages", Row: v, CL: vcl + 1, Scope: "05362", Site: other, Seq: 1, HLC: late},
		Change{Table: "villages", Row: v, CL: vcl + 2, Scope: "05362", Site: other, Seq: 2, HLC: late + 1},
		Change{Table: "villages", Row: v, Column: "name", Value: Text("Bản Lác lần hai"), CL: vcl + 2, Scope: "05362", Site: other, Seq: 3, HLC: late + 2},
		Change{Table: "villages", Row: v, Column: "size", Value: Int(1), CL: vcl, Scope: "05362", Site: other, Seq: 4, HLC: late + 3},
	)

	whole := mustOpen(t, "whole")
	for _, page := range [][]Change{first, second} {
		if _, err := whole.ApplyPulled(ctx, page, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	one := mustOpen(t, "one")
	for _, c := range append(append([]Change{}, first...), second...) {
		if _, err := one.ApplyPulled(ctx, []Change{c}, "", Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	if w, o := mustDigest(t, whole, "05362"), mustDigest(t, one, "05362"); w != o {
		t.Fatalf("merged as pages: %s, change by change: %s", w, o)
	}
	var name string
	var size any
	if err := whole.r.QueryRow(`SELECT name, size FROM villages WHERE id = ?`, v.String()).Scan(&name, &size); err != nil {
		t.Fatal(err)
	}
	if name != "Bản Lác lần hai" || size != nil {
		t.Fatalf("re-created village shows name %q size %v, want its new life only", name, size)
	}
}
