package syncengine

import (
	"context"
	"database/sql"
	"fmt"
)

// A PostgreSQL store writes a state (WriteState) into the same SQLite file
// as a SQLite replica, as it writes snapshots (snapshot_pg.go): the tables
// get the DDL a SQLite replica of this schema has, and every row is merged
// in Go from the log entries the query keeps, read in one REPEATABLE READ
// transaction (the readers' default) sorted by row. It never copies a row
// from the live domain tables, as a SQLite replica does when few entries
// are left out: those tables are PostgreSQL's, typed as PostgreSQL types
// them, and the merge of a row's entries is, by the engine's invariant,
// the row they hold.

// openStateFromPostgres opens the SQLite file at path, in one transaction,
// and this store's read transaction, and reads the SQLite schema of the
// tables names and the sites. done closes it all.
func (db *DB) openStateFromPostgres(ctx context.Context, path string, names []string) (s *stateWriter, done func(), err error) {
	out, err := openSQLiteOut(path)
	if err != nil {
		return nil, nil, err
	}
	var tx, src *sql.Tx
	done = func() {
		if src != nil {
			src.Rollback()
		}
		if tx != nil {
			tx.Rollback()
		}
		out.Close()
	}
	if tx, err = out.BeginTx(ctx, nil); err == nil {
		src, err = db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	}
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("open: %w", err)
	}
	s = &stateWriter{ctx: ctx, tx: tx, src: src, site: db.sites.uuid, fromLog: true, tables: map[string]*projection{}}
	if s.objects, err = db.sqliteSchema(ctx, names); err == nil {
		err = db.cacheSites(ctx, src)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}
