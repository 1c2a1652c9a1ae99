package syncengine

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Orphan is a live row of a child table whose parent row is not alive: a
// member recorded on one laptop for a household another laptop deleted
// meanwhile. The merge keeps both writes (the delete did not know of the
// member, so it could not cascade to it), and no list that starts from the
// parent shows the row: it is listed here for a person to settle.
//
// Orphans are a function of the merged state, so every replica holding the
// same changes lists the same ones, with the same IDs (see OrphanID).
type Orphan struct {
	ID     string
	Table  string
	Row    RowID
	Scope  string
	Parent Tombstone // the parent row the link names, which is not alive
}

// Tombstone is what a replica keeps of a row that is not alive: its causal
// length, the cells of its last life, and who deleted it. A row the
// replica never heard of has CL 0 and nothing else.
type Tombstone struct {
	Table  string
	Row    RowID // zero when the link that named it is empty or not an id
	Scope  string
	CL     uint64           // even: deleted; 0: never heard of here
	Values map[string]Value // the non-null cells of its last life
	// The delete: the site that wrote it and when. Of deletes written
	// concurrently (the same causal length), the first by (HLC, site).
	DeletedBy SiteID
	DeletedAt HLC
}

// OrphanID names the orphan that row of table is, the same on every
// replica, and distinct from conflict ids of the same length.
func OrphanID(table string, row RowID) string {
	h := sha256.New()
	h.Write([]byte("orphan\x00" + table + "\x00"))
	h.Write(row[:])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Orphans lists the live rows of child tables in scopes (all when empty)
// whose parent is not alive, in the order of the table declarations, then
// of row ids.
func (db *DB) Orphans(ctx context.Context, scopes []string) ([]Orphan, error) {
	var out []Orphan
	parents := map[rowKey]Tombstone{}
	for _, t := range db.order {
		if t.ParentTable == "" {
			continue
		}
		found, err := db.orphansOf(ctx, t, scopes, parents)
		if err != nil {
			return nil, fmt.Errorf("orphans of %s: %w", t.Name, err)
		}
		out = append(out, found...)
	}
	return out, nil
}

// orphansOf finds the orphans of one child table. The domain tables hold
// live rows only, so a row whose parent does not join is a candidate; the
// row store decides (a link may spell a live parent's id differently).
func (db *DB) orphansOf(ctx context.Context, t *table, scopes []string, parents map[rowKey]Tombstone) ([]Orphan, error) {
	q := fmt.Sprintf(`SELECT c.id, c.%[3]s FROM %[1]s c LEFT JOIN %[2]s p ON p.id = lower(c.%[3]s)
		WHERE p.id IS NULL ORDER BY c.id`, quote(t.Name), quote(t.ParentTable), quote(t.ParentColumn))
	type candidate struct{ id, link sql.NullString }
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var found []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.link); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Orphan
	for _, c := range found {
		o, ok, err := db.orphan(ctx, t, c.id.String, c.link.String, scopes, parents)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// orphan checks one candidate: a live row of scopes whose parent, named by
// link, is not alive.
func (db *DB) orphan(ctx context.Context, t *table, id, link string, scopes []string, parents map[rowKey]Tombstone) (Orphan, bool, error) {
	row, err := uuid.Parse(id)
	if err != nil {
		return Orphan{}, false, fmt.Errorf("row id %q: %w", id, err)
	}
	child, err := db.Tombstone(ctx, t.Name, row)
	if err != nil || !Alive(child.CL) || (len(scopes) > 0 && !slices.Contains(scopes, child.Scope)) {
		return Orphan{}, false, err
	}
	pid, _ := uuid.Parse(link) // an empty or malformed link names no row: RowID{}
	key := rowKey{t.ParentTable, pid}
	parent, ok := parents[key]
	if !ok {
		if parent, err = db.Tombstone(ctx, t.ParentTable, pid); err != nil {
			return Orphan{}, false, err
		}
		parents[key] = parent
	}
	if Alive(parent.CL) {
		return Orphan{}, false, nil
	}
	return Orphan{ID: OrphanID(t.Name, row), Table: t.Name, Row: row, Scope: child.Scope, Parent: parent}, true, nil
}

// Tombstone reads what the replica keeps of a row: its scope and causal
// length, the non-null cells of its last life (its current one if it is
// alive), and, if it is deleted, who deleted it and when.
func (db *DB) Tombstone(ctx context.Context, table string, id RowID) (Tombstone, error) {
	ts := Tombstone{Table: table, Row: id}
	if id == (RowID{}) {
		return ts, nil
	}
	err := db.r.QueryRowContext(ctx, `SELECT scope, cl FROM sync_rows WHERE tbl = ? AND row_id = ?`,
		table, id[:]).Scan(&ts.Scope, &ts.CL)
	if errors.Is(err, sql.ErrNoRows) {
		return ts, nil
	}
	if err != nil {
		return ts, fmt.Errorf("read row %s %s: %w", table, id, err)
	}
	life := ts.CL
	if !Alive(life) {
		life--
		if err := db.readDelete(ctx, &ts); err != nil {
			return ts, err
		}
	}
	ts.Values, err = db.cellsOfLife(ctx, ts.Scope, table, id, life)
	return ts, err
}

// cellsOfLife reads the non-null cells of a row of scope written in the
// life of causal length cl.
func (db *DB) cellsOfLife(ctx context.Context, scope, table string, id RowID, cl uint64) (map[string]Value, error) {
	cond, args := db.cells.ofRows(scope, table, []RowID{id})
	rows, err := db.r.QueryContext(ctx, `SELECT col, val FROM sync_cells WHERE `+cond+` AND cl = ? AND val IS NOT NULL`,
		append(args, cl)...)
	if err != nil {
		return nil, fmt.Errorf("read cells of %s %s: %w", table, id, err)
	}
	defer rows.Close()
	out := map[string]Value{}
	for rows.Next() {
		var col string
		var val any
		if err := rows.Scan(&col, &val); err != nil {
			return nil, fmt.Errorf("read cells of %s %s: %w", table, id, err)
		}
		if out[col], err = ValueOf(val); err != nil {
			return nil, fmt.Errorf("read cell %s of %s %s: %w", col, table, id, err)
		}
	}
	return out, rows.Err()
}

// readDelete finds the change that deleted a row. The log is read through
// its scope index: deletes are looked up only for the few rows listed.
func (db *DB) readDelete(ctx context.Context, ts *Tombstone) error {
	var site []byte
	err := db.r.QueryRowContext(ctx, `SELECT s.site, l.hlc FROM sync_log l JOIN sync_sites s ON s.id = l.origin
		WHERE l.scope = ? AND l.tbl = ? AND l.row_id = ? AND l.col = '' AND l.cl = ?
		ORDER BY l.hlc, s.site LIMIT 1`, ts.Scope, ts.Table, ts.Row[:], ts.CL).Scan(&site, &ts.DeletedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not in this log: the delete is not named
	}
	if err != nil {
		return fmt.Errorf("read the delete of %s %s: %w", ts.Table, ts.Row, err)
	}
	copy(ts.DeletedBy[:], site)
	return nil
}
