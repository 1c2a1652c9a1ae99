package syncengine

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/stdlib"
)

// A cell's value is dynamically typed: SQLite keeps it as it is in a
// column of type ANY; a PostgreSQL column has one type. A PostgreSQL store
// keeps it as BYTEA, in the canonical encoding digests hash
// (appendCanonical): a kind byte, then 8 big-endian bytes for a number or
// a length-prefixed text or blob; NULL stays NULL. The encoding round-trips every Value bit for bit
// (-0.0, NaN's absence, invalid UTF-8 refused), so digests, which hash
// values as the merge saw them, are the same on both stores.
//
// The engine's statements do not change for it: an argument of type Value
// (Value implements driver.Valuer, for SQLite) is encoded by the
// PostgreSQL connection (pgConn.CheckNamedValue), and a result column of
// type BYTEA named val or value — the engine's own value columns,
// sync_log.val, sync_cells.val and sync_meta.value — is decoded into the
// Go value SQLite would have returned (pgRows). No other table may name a
// BYTEA column val or value.

// storedColumns are the names of result columns holding stored values.
var storedColumns = map[string]bool{"val": true, "value": true}

// Value gives v to database/sql as the Go value SQLite stores natively.
func (v Value) Value() (driver.Value, error) { return v.Any(), nil }

// decodeStored decodes a value's canonical encoding (appendCanonical) into
// the Go value database/sql uses (int64, float64, string or []byte).
func decodeStored(b []byte) (any, error) {
	if len(b) == 0 || Kind(b[0]) == KindNull || Kind(b[0]) > KindBlob {
		return nil, fmt.Errorf("%w: stored value of no known kind", ErrBadValue)
	}
	kind, body := Kind(b[0]), b[1:]
	if kind == KindText || kind == KindBlob {
		if len(body) < 4 || binary.BigEndian.Uint32(body) != uint32(len(body)-4) {
			return nil, fmt.Errorf("%w: stored text or blob of a wrong length", ErrBadValue)
		}
		body = body[4:]
	} else if len(body) != 8 {
		return nil, fmt.Errorf("%w: stored number of %d bytes", ErrBadValue, len(body))
	}
	switch kind {
	case KindInt:
		return int64(binary.BigEndian.Uint64(body)), nil
	case KindReal:
		return math.Float64frombits(binary.BigEndian.Uint64(body)), nil
	case KindText:
		if !utf8.Valid(body) {
			return nil, fmt.Errorf("%w: stored text is not valid UTF-8", ErrBadValue)
		}
		return string(body), nil
	}
	return bytes.Clone(body), nil
}

// CheckNamedValue encodes an argument of type Value; pgx takes any other
// as it is.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error { return checkStored(nv) }

func checkStored(nv *driver.NamedValue) error {
	v, ok := nv.Value.(Value)
	if !ok {
		return nil
	}
	if v.IsNull() {
		nv.Value = nil
		return nil
	}
	nv.Value = v.appendCanonical(nil)
	return nil
}

// pgStmt is a prepared statement of a pgConn.
type pgStmt struct {
	driver.Stmt
}

func (s *pgStmt) CheckNamedValue(nv *driver.NamedValue) error { return checkStored(nv) }

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(*stdlib.Stmt).ExecContext(ctx, args)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.(*stdlib.Stmt).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	return newPGRows(rows.(*stdlib.Rows)), nil
}

var (
	_ driver.StmtExecContext   = (*pgStmt)(nil)
	_ driver.StmtQueryContext  = (*pgStmt)(nil)
	_ driver.NamedValueChecker = (*pgStmt)(nil)
)

// pgRows decodes the stored values among the columns of a result.
type pgRows struct {
	*stdlib.Rows
	stored []int // indexes of the columns to decode
}

func newPGRows(r *stdlib.Rows) *pgRows {
	out := &pgRows{Rows: r}
	for i, name := range r.Columns() {
		if storedColumns[strings.ToLower(name)] && r.ColumnTypeDatabaseTypeName(i) == "BYTEA" {
			out.stored = append(out.stored, i)
		}
	}
	return out
}

func (r *pgRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for _, i := range r.stored {
		b, ok := dest[i].([]byte)
		if !ok {
			continue // NULL
		}
		v, err := decodeStored(b)
		if err != nil {
			return fmt.Errorf("column %s: %w", r.Columns()[i], err)
		}
		dest[i] = v
	}
	return nil
}

var _ driver.Rows = (*pgRows)(nil)
