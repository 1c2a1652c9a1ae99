package syncengine

import (
	"context"
	"strings"
	"testing"
)

// TestConflictsReadOnlyTheirScopes checks, in SQLite's query plan, that
// listing conflicts (and so counting the open ones, which every sync does)
// reads the index of contested cells — by scope when scopes are given —
// and the log only by its primary key, one entry of a contested cell at a
// time: never the whole log, nor a scope's. On a province server that log
// holds every commune's changes, on a laptop its commune's.
func TestConflictsReadOnlyTheirScopes(t *testing.T) {
	onlySQLite(t, "it reads SQLite's plan; PostgreSQL's are read at size (BENCHMARKS.md)")
	db := mustOpen(t, "server")
	queries := []ConflictQuery{
		{Scopes: []string{"02008"}},
		{Scopes: []string{"02008", "02011"}, Table: "households"},
		{Scopes: []string{"02008"}, Table: "households", Row: newUUID()},
		{}, // every scope: the index whole, still not the log
	}
	for _, q := range queries {
		query, args := conflictsQuery(q)
		plan := queryPlan(t, db, query, args)
		for _, step := range plan {
			words := strings.Fields(step)
			switch {
			case len(words) > 1 && words[1] == "l" && step != "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)":
				t.Errorf("%+v: the plan reads the log otherwise than entry by entry (%q):\n%s", q, step, strings.Join(plan, "\n"))
			case len(q.Scopes) > 0 && len(words) > 1 && words[1] == "x" && !strings.HasPrefix(step, "SEARCH x USING PRIMARY KEY (scope=?"):
				t.Errorf("%+v: the plan reads the index otherwise than by scope (%q):\n%s", q, step, strings.Join(plan, "\n"))
			}
		}
		if !strings.Contains(strings.Join(plan, "\n"), "SEARCH l USING INTEGER PRIMARY KEY") {
			t.Errorf("%+v: the plan does not read the log by its key:\n%s", q, strings.Join(plan, "\n"))
		}
	}
}

// queryPlan is SQLite's plan of query, a step a line.
func queryPlan(t *testing.T, db *DB, query string, args []any) []string {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}
