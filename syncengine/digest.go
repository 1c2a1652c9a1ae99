package syncengine

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// digestVersion names the canonical encoding Digest hashes; it changes if
// the encoding ever does.
const digestVersion = "hodan-digest-v1\n"

// Digest is a canonical SHA-256 of the merged state of one scope, or of every
// scope if scope is "": every row's table, id, scope and causal length, and
// every cell's column, causal length, HLC, site and value, in a fixed order.
// It covers deleted rows and columns this replica's schema does not know, so
// two replicas that hold the same changes of a scope have the same digest,
// whatever order the changes came in and whatever their schema versions.
func (db *DB) Digest(ctx context.Context, scope string) (string, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	defer tx.Rollback()
	if err := db.cacheSites(ctx, tx); err != nil {
		return "", err
	}
	query, args := db.digestQuery(scope)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	defer rows.Close()
	h := sha256.New()
	h.Write([]byte(digestVersion))
	var buf, lastRow []byte
	var lastTbl string
	for rows.Next() {
		var rscope, tbl string
		var row []byte
		var rcl uint64
		var col sql.NullString
		var val any
		var hlc, site, ccl sql.NullInt64
		if err := rows.Scan(&rscope, &tbl, &row, &rcl, &col, &val, &hlc, &site, &ccl); err != nil {
			return "", fmt.Errorf("digest: %w", err)
		}
		buf = buf[:0]
		if tbl != lastTbl || string(row) != string(lastRow) {
			buf = append(buf, 'R')
			buf = appendString(buf, rscope)
			buf = appendString(buf, tbl)
			buf = append(buf, row...)
			buf = binary.BigEndian.AppendUint64(buf, rcl)
			lastTbl, lastRow = tbl, append(lastRow[:0], row...)
		}
		if col.Valid {
			if buf, err = db.appendCell(ctx, buf, col.String, val, hlc.Int64, site.Int64, ccl.Int64); err != nil {
				return "", err
			}
		}
		h.Write(buf)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// digestQuery is the query Digest reads the rows and cells of scope ("":
// of every scope) with, in the order it hashes them.
func (db *DB) digestQuery(scope string) (string, []any) {
	q := `SELECT r.scope, r.tbl, r.row_id, r.cl, c.col, c.val, c.hlc, c.site, c.cl
		FROM sync_rows r LEFT JOIN sync_cells c ON ` + db.cells.join()
	if scope == "" {
		return q + ` ORDER BY r.scope, r.tbl, r.row_id, c.col`, nil
	}
	return q + ` WHERE r.scope = ? ORDER BY r.tbl, r.row_id, c.col`, []any{scope}
}

func (db *DB) appendCell(ctx context.Context, buf []byte, col string, val any, hlc, site, cl int64) ([]byte, error) {
	v, err := ValueOf(val)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	uuid, ok := db.sites.uuid(site)
	if !ok {
		return nil, fmt.Errorf("digest: unknown site %d", site)
	}
	buf = append(buf, 'C')
	buf = appendString(buf, col)
	buf = binary.BigEndian.AppendUint64(buf, uint64(cl))
	buf = binary.BigEndian.AppendUint64(buf, uint64(hlc))
	buf = append(buf, uuid[:]...)
	return v.appendCanonical(buf), nil
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
