package syncengine

import (
	"context"
	"strings"
	"testing"
)

// TestConflictsReadOnlyTheirScopes checks, in SQLite's query plan, that
// listing a commune's conflicts reads that commune's log entries through
// the scope index and never scans the whole log: on a province server
// that log holds every commune's changes, and every laptop's sync used to
// ask for its conflicts.
func TestConflictsReadOnlyTheirScopes(t *testing.T) {
	onlySQLite(t, "it reads SQLite's plan; PostgreSQL's are read at size (BENCHMARKS.md)")
	db := mustOpen(t, "server")
	for _, q := range []ConflictQuery{{Scopes: []string{"02008"}}, {Scopes: []string{"02008", "02011"}, Table: "households"}} {
		query, args := conflictsQuery(q)
		rows, err := db.SQL().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") && !strings.Contains(step, "USING") {
				t.Errorf("scopes %v: the plan scans a table whole (%q):\n%s", q.Scopes, step, strings.Join(plan, "\n"))
			}
		}
	}
}
