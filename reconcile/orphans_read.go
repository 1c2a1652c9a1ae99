package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// rowID is the household's id as the sync engine takes it. The domain
// tables hold only ids the engine made.
func (h *Household) rowID() syncengine.RowID { return uuid.MustParse(h.ID) }

// liveNames maps the id of every row of table in communes (all when empty)
// to its column col.
func liveNames(ctx context.Context, q Querier, table, col string, communes []string) (map[string]string, error) {
	where, args := inCommunes("commune_code", communes)
	query := fmt.Sprintf("SELECT id, %s FROM %s", col, table)
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id string
		var name sql.NullString
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		out[id] = name.String
	}
	return out, rows.Err()
}

// record is a row of a table, by its id.
type record struct {
	table string
	id    syncengine.RowID
}

// childrenOf lists the live records of the household's child tables, in
// the order of the tables, then by id.
func childrenOf(ctx context.Context, q Querier, household string) ([]record, error) {
	var out []record
	for _, t := range schema.Tables() {
		if t.ParentTable != "households" {
			continue
		}
		found, err := idsWhere(ctx, q, t.Name, t.ParentColumn+" = ?", household)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// idsWhere lists the ids of the rows of table that match where, in order.
func idsWhere(ctx context.Context, q Querier, table, where string, args ...any) ([]record, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf("SELECT id FROM %s WHERE %s ORDER BY id", table, where), args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	var out []record
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("read %s: id %q: %w", table, s, err)
		}
		out = append(out, record{table, id})
	}
	return out, rows.Err()
}

// RecordName names the live row id of table for people (see recordName);
// "" when it is not shown.
func RecordName(ctx context.Context, q Querier, table string, id syncengine.RowID) (string, error) {
	values, err := readRecord(ctx, q, table, id)
	return recordName(table, values), err
}

// readRecord reads the columns of a live row that name it (recordNames),
// nil values left out; nothing if it is not shown.
func readRecord(ctx context.Context, q Querier, table string, id syncengine.RowID) (map[string]any, error) {
	cols := append([]string{"id"}, recordNames(table)...)
	rows, err := q.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE id = ?", strings.Join(cols, ", "), table), id.String())
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", table, id, err)
	}
	defer rows.Close()
	out := map[string]any{}
	if !rows.Next() {
		return out, rows.Err()
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", table, id, err)
	}
	for i, c := range cols {
		if vals[i] != nil {
			out[c] = vals[i]
		}
	}
	return out, rows.Err()
}

// txQuerier reads through a write transaction, seeing its own writes.
type txQuerier struct{ tx *syncengine.Tx }

func (q txQuerier) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.tx.Query(query, args...)
}
