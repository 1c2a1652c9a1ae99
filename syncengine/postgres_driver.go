package syncengine

import (
	"context"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The engine's statements are written once, in the SQL both engines accept,
// with SQLite's "?" placeholders. PostgreSQL numbers them ($1, $2 …): the
// connections of a PostgreSQL store rewrite every statement's text once, on
// its way to pgx, and keep the result (pgConnector). DDL that the
// application's migrations write for SQLite is translated the same way
// (translateDDL).

// pgConnector opens pgx connections whose statements are rewritten.
type pgConnector struct {
	inner   driver.Connector
	rewrite *rewriter
}

// newPGConnector is a connector to the server cfg names; params are set on
// every connection it opens (PostgreSQL run-time parameters).
func newPGConnector(cfg *pgx.ConnConfig, params map[string]string) driver.Connector {
	cfg = cfg.Copy()
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	return &pgConnector{inner: stdlib.GetConnector(*cfg), rewrite: &rewriter{}}
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: conn.(*stdlib.Conn), rewrite: c.rewrite}, nil
}

func (c *pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a pgx connection whose statements are rewritten before they
// reach it. It implements what *stdlib.Conn implements.
type pgConn struct {
	*stdlib.Conn
	rewrite *rewriter
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.Conn.PrepareContext(ctx, c.rewrite.text(query))
	if err != nil {
		return nil, err
	}
	return &pgStmt{Stmt: s}, nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, c.rewrite.text(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.Conn.QueryContext(ctx, c.rewrite.text(query), args)
	if err != nil {
		return nil, err
	}
	return newPGRows(rows.(*stdlib.Rows)), nil
}

var (
	_ driver.ConnPrepareContext = (*pgConn)(nil)
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.ConnBeginTx        = (*pgConn)(nil)
	_ driver.NamedValueChecker  = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
	_ driver.Pinger             = (*pgConn)(nil)
)

// rewriter turns statements written for SQLite into PostgreSQL's, keeping
// each result: the engine sends the same few texts again and again.
type rewriter struct {
	done sync.Map     // string -> string
	kept atomic.Int64 // texts in done
}

// rewriteCacheMax bounds the texts kept: statements built with a varying
// number of marks are many, but their shapes are few (multiRow); a
// merge's partial updates (partial.go) add one per set of columns edited
// together. Past it, a text is rewritten at every use, at the cost of one
// pass over it.
const rewriteCacheMax = 4096

func (r *rewriter) text(query string) string {
	if q, ok := r.done.Load(query); ok {
		return q.(string)
	}
	q := numberMarks(query)
	if isDDL(q) {
		q = translateDDL(q)
	}
	if r.kept.Load() < rewriteCacheMax {
		if _, had := r.done.LoadOrStore(query, q); !had {
			r.kept.Add(1)
		}
	}
	return q
}

// numberMarks replaces each "?" outside quotes and comments with $1, $2 …
// in order.
func numberMarks(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		switch c := query[i]; {
		case c == '\'' || c == '"':
			j := closing(query, i+1, c)
			b.WriteString(query[i:j])
			i = j - 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// closing is the index just past the quote that closes the quoted text
// starting at from (a doubled quote stays inside), or len(s).
func closing(s string, from int, quote byte) int {
	for i := from; i < len(s); i++ {
		if s[i] != quote {
			continue
		}
		if i+1 < len(s) && s[i+1] == quote {
			i++
			continue
		}
		return i + 1
	}
	return len(s)
}

// errNotPostgres is returned when a PostgreSQL store is asked for what only
// SQLite does.
var errNotPostgres = errors.New("not available on a PostgreSQL store yet")
