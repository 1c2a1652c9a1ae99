package syncengine

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"hodan/internal/pgtest"
)

// TestPostgresPlansEachStatementWithItsValues: a statement the store's
// connections have run many times is still planned with the values it is
// run with, not by a generic plan cached after its fifth run. The merge's
// prefetch (`row_id IN (?, ?, …)`) under a generic plan compared every row
// of sync_rows with every id, a whole scan per batch (BENCHMARKS.md,
// "PostgreSQL, third round").
func TestPostgresPlansEachStatementWithItsValues(t *testing.T) {
	db := mustOpenPath(t, pgtest.URL(t), testConfig()) // skips outside the PostgreSQL run
	ctx := context.Background()
	const ids = 20
	marks := make([]string, ids)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	prepare := `PREPARE prefetch (text` + strings.Repeat(", bytea", ids) + `) AS
		SELECT row_id, scope, cl FROM sync_rows WHERE tbl = $1 AND row_id IN (` + strings.Join(marks, ", ") + `)`
	for name, pool := range map[string]*sql.DB{"writer": db.w, "reader": db.r} {
		conn, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, prepare); err != nil {
			t.Fatal(err)
		}
		var plan string
		for range 8 {
			plan = explainPrefetch(t, conn, ids)
		}
		if strings.Contains(plan, "$2") {
			t.Errorf("%s: the eighth run of a statement has a generic plan:\n%s", name, plan)
		}
	}
}

// explainPrefetch runs the statement prepared as prefetch with n random
// ids and returns the plan it ran by.
func explainPrefetch(t *testing.T, conn *sql.Conn, n int) string {
	t.Helper()
	args := []string{"'villages'"}
	for range n {
		args = append(args, fmt.Sprintf(`'\x%x'::bytea`, rand.Text()))
	}
	rows, err := conn.QueryContext(context.Background(), `EXPLAIN EXECUTE prefetch (`+strings.Join(args, ", ")+`)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
