package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"hodan/syncengine"
)

// stateSet makes the states a report reads — the domain tables as the
// records stood at some instant, as far as the server knew by another —
// each once, from the server's log (syncengine.DB.WriteState), into files
// of a temporary directory that close removes.
type stateSet struct {
	db     *syncengine.DB
	dir    string
	until  int64    // what the server had taken: the end of the as-of day, or now
	scopes []string // only these communes; none: all
	files  map[stateKey]string
}

type stateKey struct {
	writtenBy int64
	tables    string
}

func newStateSet(db *syncengine.DB, tempDir string, until int64, scopes []string) (*stateSet, error) {
	dir, err := os.MkdirTemp(tempDir, "hodan-report-")
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return &stateSet{db: db, dir: dir, until: until, scopes: scopes, files: map[stateKey]string{}}, nil
}

func (s *stateSet) close() error { return os.RemoveAll(s.dir) }

// full is the state of every domain table written by writtenBy, with the
// reference tables (ref_*) the queries join beside it.
func (s *stateSet) full(ctx context.Context, writtenBy int64) (string, error) {
	path, built, err := s.build(ctx, writtenBy)
	if err != nil || !built {
		return path, err
	}
	if err := s.db.CopyTables(ctx, "ref_", path); err != nil {
		return "", fmt.Errorf("report: reference tables: %w", err)
	}
	return path, nil
}

// households is the state of the households table alone, written by
// writtenBy: the baselines the poverty indicators compare with.
func (s *stateSet) households(ctx context.Context, writtenBy int64) (string, error) {
	path, _, err := s.build(ctx, writtenBy, "households")
	return path, err
}

// build writes the state of tables (all when none) unless it was written
// already, and reports whether it wrote it.
func (s *stateSet) build(ctx context.Context, writtenBy int64, tables ...string) (string, bool, error) {
	key := stateKey{writtenBy, strings.Join(tables, ",")}
	if path, ok := s.files[key]; ok {
		return path, false, nil
	}
	path := filepath.Join(s.dir, fmt.Sprintf("state-%d-%d.db", len(s.files), writtenBy))
	q := syncengine.StateQuery{Until: s.until, WrittenBy: writtenBy, Scopes: s.scopes, Tables: tables}
	if _, err := s.db.WriteState(ctx, q, path); err != nil {
		return "", false, fmt.Errorf("report: %w", err)
	}
	s.files[key] = path
	return path, true, nil
}

// fileURI is the SQLite URI of the file at path, with query (may be "").
func fileURI(path, query string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: query}
	return u.String()
}

// view is a read-only connection on the state as of the report's day, with
// the baselines attached as period_start and year_end.
type view struct {
	db   *sql.DB
	conn *sql.Conn
}

// openView opens the state at main (read-only) with the states at
// attach's paths attached under attach's names.
func openView(ctx context.Context, main string, attach map[string]string) (*view, error) {
	db, err := sql.Open("sqlite3", fileURI(main, "mode=ro"))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("report: open %s: %w", main, err)
	}
	v := &view{db: db, conn: conn}
	for name, path := range attach {
		if _, err := conn.ExecContext(ctx, `ATTACH ? AS `+name, fileURI(path, "mode=ro")); err != nil {
			v.close()
			return nil, fmt.Errorf("report: attach %s: %w", name, err)
		}
	}
	return v, nil
}

func (v *view) close() {
	v.conn.Close()
	v.db.Close()
}
