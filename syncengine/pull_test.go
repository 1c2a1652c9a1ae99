package syncengine

import (
	"context"
	"testing"
)

// mustPullAll reads every page for scopes, as a client would, and applies
// each to dst.
func mustPullAll(t *testing.T, dst, srv *DB, scopes []string, limit int) (pages int, reset bool) {
	t.Helper()
	ctx := context.Background()
	for {
		inc, cur, err := dst.PullCursor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		page, err := srv.ReadPull(ctx, PullQuery{Incarnation: inc, After: cur, Scopes: scopes, Exclude: dst.Site(), Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		reset = reset || page.Reset
		if _, err := dst.ApplyPulled(ctx, page.Changes, srv.Incarnation(), page.Next); err != nil {
			t.Fatal(err)
		}
		pages++
		if !page.More {
			return pages, reset
		}
	}
}

func TestPullFiltersByScopeAndOrigin(t *testing.T) {
	ctx := context.Background()
	srv := mustOpen(t, "srv")
	a, b := mustOpen(t, "a"), mustOpen(t, "b")
	for i := 0; i < 7; i++ {
		mustInsert(t, a, "villages", map[string]any{"commune": "A", "name": "a"})
		mustInsert(t, a, "villages", map[string]any{"commune": "B", "name": "b"})
	}
	mustInsert(t, b, "villages", map[string]any{"commune": "A", "name": "from b"})
	for _, dev := range []*DB{a, b} {
		if _, err := srv.ApplyPush(ctx, allChanges(t, dev), nil); err != nil {
			t.Fatal(err)
		}
	}
	pages, _ := mustPullAll(t, b, srv, []string{"A"}, 3)
	if pages < 8 {
		t.Errorf("pulled 24 changes in %d pages of 3", pages)
	}
	if mustDigest(t, b, "A") != mustDigest(t, srv, "A") {
		t.Error("b's digest of A differs from the server's")
	}
	if mustDigest(t, b, "B") != mustDigest(t, mustOpen(t, "empty"), "B") {
		t.Error("b received rows of scope B")
	}
	for _, c := range allChanges(t, b) {
		if c.Scope != "A" {
			t.Fatalf("b holds a change of scope %s", c.Scope)
		}
	}
	// Nothing new: a pull returns nothing and keeps the cursor at the head.
	_, cur, _ := b.PullCursor(ctx)
	page, err := srv.ReadPull(ctx, PullQuery{Incarnation: srv.Incarnation(), After: cur, Scopes: []string{"A"}, Exclude: b.Site(), Limit: 3})
	if err != nil || len(page.Changes) != 0 || page.More || page.Reset || page.Next != cur {
		t.Fatalf("idle pull: %+v, %v", page, err)
	}
}

func TestPullResetsOnForeignCursor(t *testing.T) {
	ctx := context.Background()
	srv := mustOpen(t, "srv")
	a := mustOpen(t, "a")
	mustInsert(t, a, "villages", map[string]any{"commune": "A", "name": "a"})
	if _, err := srv.ApplyPush(ctx, allChanges(t, a), nil); err != nil {
		t.Fatal(err)
	}
	first, err := srv.ReadPull(ctx, PullQuery{Incarnation: srv.Incarnation(), Scopes: []string{"A"}, Limit: 1})
	if err != nil || !first.More {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	tests := []struct {
		name string
		q    PullQuery
	}{
		{"another incarnation", PullQuery{Incarnation: "elsewhere", After: first.Next}},
		{"cursor past the head", PullQuery{Incarnation: srv.Incarnation(), After: Cursor{Seq: 99, Chain: first.Next.Chain}}},
		{"another chain at the cursor", PullQuery{Incarnation: srv.Incarnation(), After: Cursor{Seq: 1, Chain: "00112233445566778899aabbccddeeff"}}},
		{"no chain", PullQuery{Incarnation: srv.Incarnation(), After: Cursor{Seq: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Scopes, tt.q.Limit = []string{"A"}, 10
			page, err := srv.ReadPull(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !page.Reset || len(page.Changes) != 3 {
				t.Fatalf("page %+v: want a reset and the whole log", page)
			}
		})
	}
	page, err := srv.ReadPull(ctx, PullQuery{Incarnation: srv.Incarnation(), After: first.Next, Scopes: []string{"A"}, Limit: 10})
	if err != nil || page.Reset || len(page.Changes) != 2 {
		t.Fatalf("a matching cursor: %+v, %v", page, err)
	}
}
