package syncengine

import (
	"context"
	"testing"
)

func mustOpenConflicts(t *testing.T, db *DB, scopes ...string) int {
	t.Helper()
	n, err := db.OpenConflicts(context.Background(), scopes)
	if err != nil {
		t.Fatalf("open conflicts: %v", err)
	}
	return n
}

// TestOpenConflictsFollowsTheLog checks that the kept count of open
// conflicts is the count Conflicts gives after every change to the log:
// a conflict arriving, a second one, a resolution, a local edit (which
// keeps none as none without counting), a conflict arriving after it, and
// a count asked again with nothing changed (the kept one), for each set of
// scopes apart.
func TestOpenConflictsFollowsTheLog(t *testing.T) {
	a, b := mustOpen(t, "a"), mustOpen(t, "b")
	if n := mustOpenConflicts(t, a, "05362"); n != 0 {
		t.Fatalf("an empty replica counts %d conflicts", n)
	}
	v := mustInsert(t, a, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": int64(10)})
	w := mustInsert(t, a, "villages", map[string]any{"commune": "02008", "name": "Nà Hẩu", "size": int64(3)})
	exchange(t, b, a)
	// check compares the counts with want, scope by scope; -1 wants what
	// Conflicts lists, at least one.
	check := func(step string, want map[string]int) {
		t.Helper()
		for scope, n := range want {
			if n < 0 {
				for _, c := range mustConflicts(t, a, ConflictQuery{Scopes: []string{scope}}) {
					if !c.Resolved {
						n = max(n, 0) + 1
					}
				}
				if n < 1 {
					t.Fatalf("%s: Conflicts lists no open conflict in %s", step, scope)
				}
			}
			for range 2 { // counted, then kept
				if got := mustOpenConflicts(t, a, scope); got != n {
					t.Errorf("%s: %d open conflicts in %s; want %d", step, got, scope, n)
				}
			}
		}
		all := 0
		for _, c := range mustConflicts(t, a, ConflictQuery{Scopes: []string{"05362", "02008"}}) {
			if !c.Resolved {
				all++
			}
		}
		if got := mustOpenConflicts(t, a, "02008", "05362"); got != all {
			t.Errorf("%s: %d open conflicts in both scopes; Conflicts lists %d", step, got, all)
		}
	}
	check("before any", map[string]int{"05362": 0, "02008": 0})
	setName(t, a, v, "Bản Lác Trên")
	setName(t, b, v, "Bản Lác Dưới")
	exchange(t, a, b)
	check("one conflict", map[string]int{"05362": 1, "02008": 0})
	setName(t, a, w, "Nà Hẩu Trên")
	setName(t, b, w, "Nà Hẩu Dưới")
	exchange(t, a, b)
	check("a second", map[string]int{"05362": 1, "02008": 1})
	cs := mustConflicts(t, a, ConflictQuery{Scopes: []string{"05362"}})
	mustWrite(t, a, func(tx *Tx) error { return tx.Resolve("villages", v, "name", cs[0].Winner.Value.String()) })
	check("the first resolved", map[string]int{"05362": 0, "02008": 1})
	setName(t, a, v, "Bản Lác Giữa") // a's own write: none stays none
	check("a local edit", map[string]int{"05362": 0, "02008": 1})
	setName(t, b, v, "Bản Lác Ngoài")
	setName(t, a, v, "Bản Lác Trong")
	exchange(t, a, b)
	check("b's edit, concurrent with a's", map[string]int{"05362": -1, "02008": 1})
}
