package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// A snapshot is the merged state of some scopes, as a server holds it, in a
// SQLite file of its own: the engine's log, row and cell stores and the
// domain tables, restricted to rows of those scopes, with the log
// renumbered and rechained as a replica that pulled it would hold it. A new
// replica adopts it in one transaction instead of merging every change,
// then pulls on from the cursor the snapshot was built at (BuildSnapshot,
// AdoptSnapshot).

// SnapshotFormat is the version of the snapshot file's layout. A replica
// refuses a snapshot of another version.
const SnapshotFormat = 1

// SnapshotInfo describes a snapshot: what it holds and where its holder
// pulls on from.
type SnapshotInfo struct {
	Format      int      `json:"format"`
	Incarnation string   `json:"incarnation"` // the server's
	Cursor      Cursor   `json:"cursor"`      // the server's log head when it was built
	Scopes      []string `json:"scopes"`
	Changes     int64    `json:"changes"` // log entries
	Rows        int64    `json:"rows"`
	Cells       int64    `json:"cells"`
}

// ErrSnapshotSchema is returned by AdoptSnapshot for a snapshot whose
// tables are not this replica's: it was built by a server with another
// schema version. The replica can still pull change by change.
var ErrSnapshotSchema = errors.New("snapshot built for another schema")

// ErrNotBlank is returned by AdoptSnapshot for a replica that already holds
// replicated data: a snapshot only ever starts a replica.
var ErrNotBlank = errors.New("this replica already holds data")

// ErrBadSnapshot is returned by AdoptSnapshot for a file that is not a
// snapshot this replica can trust: damaged, of another format, or holding
// what no honest server sends.
var ErrBadSnapshot = errors.New("bad snapshot")

// snapshotEngineTables are the engine's tables a snapshot holds, in the
// order they are copied. The version vector, refusals, batches and
// checkpoints are the server's own business.
var snapshotEngineTables = []string{"sync_sites", "sync_rows", "sync_cells", "sync_log", "sync_contested"}

// snapshotMetaTable holds a snapshot's SnapshotInfo (key "info"), its
// format (key "format") and its domain tables and their columns (key
// "tables").
const snapshotMetaTable = "snapshot_meta"

// Keys of snapshot_meta.
const (
	snapKeyFormat = "format"
	snapKeyInfo   = "info"
	snapKeyTables = "tables"
)

// snapshotTables are the tables of db a snapshot holds: the engine's, then
// the domain tables of db's Config.
func (db *DB) snapshotTables() []string {
	names := slices.Clone(snapshotEngineTables)
	for _, t := range db.order {
		names = append(names, t.Name)
	}
	return names
}

// domainColumns is the shape of db's domain tables as a snapshot records
// it: each table and its declared columns, in Config order.
func (db *DB) domainColumns() [][]string {
	var out [][]string
	for _, t := range db.order {
		out = append(out, append([]string{t.Name}, t.Columns...))
	}
	return out
}

// normalScopes returns scopes sorted, without repeats; it refuses none.
func normalScopes(scopes []string) ([]string, error) {
	out := slices.Clone(scopes)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 || out[0] == "" {
		return nil, errors.New("snapshot: name at least one scope, none empty")
	}
	return out, nil
}

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// anys turns strings into query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// fileURI is the SQLite URI of the file at path, with query (may be "").
func fileURI(path, query string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: query}
	return u.String()
}

// schemaObject is one entry of sqlite_master.
type schemaObject struct {
	Type, Name, Table, SQL string
}

// schemaOf reads the schema objects (tables, indexes, triggers) of tables
// in the database named schema, sorted by type and name.
func schemaOf(ctx context.Context, q querier, schema string, tables []string) ([]schemaObject, error) {
	rows, err := q.QueryContext(ctx, `SELECT type, name, tbl_name, coalesce(sql, '') FROM `+schema+`.sqlite_master
		WHERE tbl_name IN (`+placeholders(len(tables))+`) ORDER BY type, name`, anys(tables)...)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.Type, &o.Name, &o.Table, &o.SQL); err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// uuidText is the SQL expression of the text form of the 16-byte UUID blob
// col (as uuid.UUID.String writes it), for joining a row of the engine's
// stores with its domain row.
func uuidText(col string) string {
	h := "hex(" + col + ")"
	return "lower(substr(" + h + ", 1, 8) || '-' || substr(" + h + ", 9, 4) || '-' || substr(" + h + ", 13, 4) || '-' || substr(" +
		h + ", 17, 4) || '-' || substr(" + h + ", 21, 12))"
}

// reset forgets every mapping, for after the sites table was replaced.
func (c *siteCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.ids)
	clear(c.uuids)
}

// SnapshotLag counts, up to limit, the log entries of info's scopes this
// replica logged after it built the snapshot info describes. current is
// false if info no longer describes this replica's log: another
// incarnation, or a log whose entry at the snapshot's cursor is not the
// one the snapshot was built at (the file was restored from a backup).
// Such a snapshot must be built again.
func (db *DB) SnapshotLag(ctx context.Context, info SnapshotInfo, limit int) (n int, current bool, err error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, false, fmt.Errorf("snapshot lag: %w", err)
	}
	defer tx.Rollback()
	if ok, err := info.Cursor.matches(ctx, tx); err != nil || !ok || info.Incarnation != db.incarnation {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM sync_log
		WHERE scope IN (`+placeholders(len(info.Scopes))+`) AND seq > ? LIMIT ?) AS lag`,
		append(anys(info.Scopes), info.Cursor.Seq, limit)...).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("snapshot lag: %w", err)
	}
	return n, true, nil
}
