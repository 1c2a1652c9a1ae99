package syncengine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// cancelledFrom is a context that reports itself cancelled from the n-th
// time it is asked on. Its Done channel is nil, as Background's is, so
// only the merge's own questions see the cancellation: the test finds
// every point at which the merge looks, whichever they are.
type cancelledFrom struct {
	context.Context
	n, asked atomic.Int64
}

func (c *cancelledFrom) Err() error {
	if c.asked.Add(1) >= c.n.Load() {
		return context.Canceled
	}
	return nil
}

// TestACancelledMergeIsAllOrNothing cancels a pulled page's merge at each
// point where the merge asks whether it was cancelled: each time it must
// say so and leave the replica as it was, or, once it no longer asks,
// apply the whole page.
func TestACancelledMergeIsAllOrNothing(t *testing.T) {
	a := mustOpen(t, "a")
	for i := range 20 {
		mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": fmt.Sprintf("Bản %d", i)})
	}
	page := allChanges(t, a)
	b := mustOpen(t, "b")
	before := dump(t, b)
	cancelled := 0
	for n := int64(1); ; n++ {
		ctx := &cancelledFrom{Context: context.Background()}
		ctx.n.Store(n)
		_, err := b.ApplyPulled(ctx, page, "inc", Cursor{Seq: 7})
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at question %d: %v, want context.Canceled", n, err)
		}
		cancelled++
		if got := dump(t, b); got != before {
			t.Fatalf("cancelled at question %d, the replica changed:\n%s", n, got)
		}
		if inc, _, err := b.PullCursor(context.Background()); err != nil || inc != "" {
			t.Fatalf("cancelled at question %d, the cursor was kept: %q, %v", n, inc, err)
		}
		if n > 100 {
			t.Fatal("the merge asks whether it was cancelled more than 100 times for one page")
		}
	}
	if cancelled == 0 {
		t.Fatal("the merge never asked whether it was cancelled")
	}
	if got, want := dump(t, b), dump(t, a); got != want {
		t.Fatalf("after the merge that was not cancelled, b holds\n%s\nwant\n%s", got, want)
	}
}
