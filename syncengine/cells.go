package syncengine

// The cell store (sync_cells) holds the winning write of every cell. A
// SQLite replica keys it by table, row and column. A PostgreSQL store keys
// it by the row's scope first and is partitioned by scope
// (postgres_partition.go), so that what reads or writes one commune's
// cells touches that commune's partition only: there, every statement on
// cells names the scope. cellStore writes those statements for both.

// cellStore writes the statements on the cell store of one database.
type cellStore struct {
	// scoped: cells carry their row's scope, first in their key.
	scoped bool
}

// key is the cell key's columns.
func (s cellStore) key() string {
	if s.scoped {
		return "scope, tbl, row_id, col"
	}
	return "tbl, row_id, col"
}

// upsert is the statement that stores rows cells, each given by appendKey's
// arguments, then its val, hlc, site, cl and seq (the winning write's log
// entry).
func (s cellStore) upsert(rows int) string {
	cols := 8
	if s.scoped {
		cols = 9
	}
	return multiRow(`INSERT INTO sync_cells (`+s.key()+`, val, hlc, site, cl, seq) VALUES `, cols, rows,
		` ON CONFLICT (`+s.key()+`) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, site = excluded.site, cl = excluded.cl, seq = excluded.seq`)
}

// appendKey appends to args the key of a cell of a row of scope and table,
// but its row id and column.
func (s cellStore) appendKey(args []any, scope, table string) []any {
	if s.scoped {
		args = append(args, scope)
	}
	return append(args, table)
}

// ofRows is the condition selecting the cells of rows ids of table, all of
// scope, and its arguments.
func (s cellStore) ofRows(scope, table string, ids []RowID) (string, []any) {
	args := s.appendKey(make([]any, 0, 2+len(ids)), scope, table)
	for i := range ids {
		args = append(args, ids[i][:])
	}
	cond := `tbl = ? AND row_id IN ` + marks(len(ids))
	if s.scoped {
		cond = `scope = ? AND ` + cond
	}
	return cond, args
}

// join is the condition joining the cells c of the rows r (sync_rows).
func (s cellStore) join() string {
	if s.scoped {
		return `c.scope = r.scope AND c.tbl = r.tbl AND c.row_id = r.row_id`
	}
	return `c.tbl = r.tbl AND c.row_id = r.row_id`
}
