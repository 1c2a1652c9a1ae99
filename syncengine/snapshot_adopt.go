package syncengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
)

// AdoptSnapshot makes this replica hold what the snapshot at path holds
// (see BuildSnapshot) and sets its pull cursor to the snapshot's, so that
// it pulls on from where the snapshot was built. It is only for a replica
// that holds no replicated data yet (ErrNotBlank otherwise).
//
// Before anything is written it refuses, with ErrSnapshotSchema, a
// snapshot whose tables are not exactly this replica's, and with
// ErrBadSnapshot one of another format, one that holds this replica's own
// site, numbers out of the bounds a pull accepts, or rows outside its
// scopes. The copy is one transaction: any error leaves the replica as it
// was. The file is read only. The commit is recoverable, as a pulled
// page's: a power cut may undo it, and the next sync starts again.
func (db *DB) AdoptSnapshot(ctx context.Context, path string) (SnapshotInfo, error) {
	if db.w == nil {
		return SnapshotInfo{}, errReadOnly
	}
	if _, err := os.Stat(path); err != nil { // ATTACH would create it
		return SnapshotInfo{}, fmt.Errorf("adopt snapshot: %w", err)
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	if err := db.commitsAs(ctx, recoverable); err != nil {
		return SnapshotInfo{}, fmt.Errorf("adopt snapshot: %w", err)
	}
	info, maxHLC, err := db.adopt(ctx, path)
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("adopt snapshot: %w", err)
	}
	db.sites.reset()
	db.clock.Observe(maxHLC)
	return info, nil
}

// adopt attaches the snapshot to the writing connection, checks it and
// copies it. Foreign keys are off on that connection while it does, so
// that SQLite copies each table's records as they are (its transfer
// optimization); they are checked before commit, and turned on again
// after.
func (db *DB) adopt(ctx context.Context, path string) (info SnapshotInfo, maxHLC HLC, err error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return info, 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return info, 0, err
	}
	defer func() {
		if rerr := restoreConn(conn); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if _, err := conn.ExecContext(ctx, `ATTACH ? AS snap`, fileURI(path, "mode=ro")); err != nil {
		return info, 0, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	a := &adopter{db: db, ctx: ctx, q: conn}
	if err := a.check(); err != nil {
		return info, 0, err
	}
	tx, err := db.waitToBegin(ctx, func() (*sql.Tx, error) { return conn.BeginTx(ctx, nil) })
	if err != nil {
		return info, 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	a.q, a.tx = tx, tx
	if err := a.copy(); err != nil {
		return info, 0, err
	}
	if err := tx.Commit(); err != nil {
		return info, 0, fmt.Errorf("commit: %w", err)
	}
	return a.info, a.maxHLC, nil
}

// restoreConn detaches the snapshot and turns foreign keys on again. If it
// cannot, the connection is discarded rather than returned to the pool in
// that state.
func restoreConn(conn *sql.Conn) error {
	ctx := context.Background() // even if the caller's was canceled
	_, err := conn.ExecContext(ctx, `DETACH snap`)
	if err == nil {
		_, err = conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	}
	if err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
		return fmt.Errorf("restore connection: %w", err)
	}
	return nil
}

// adopter adopts one snapshot, attached as snap to the writing connection.
type adopter struct {
	db     *DB
	ctx    context.Context
	q      querier // the connection, then the transaction
	tx     *sql.Tx
	info   SnapshotInfo
	maxHLC HLC
}

// copy copies the snapshot into this replica, inside the transaction.
func (a *adopter) copy() error {
	if err := a.checkBlank(); err != nil {
		return err
	}
	if err := a.copySites(); err != nil {
		return err
	}
	for _, name := range a.db.snapshotTables()[1:] {
		if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO main.`+quote(name)+` SELECT * FROM snap.`+quote(name)); err != nil {
			return fmt.Errorf("copy %s: %w", name, err)
		}
	}
	if err := a.checkForeignKeys(); err != nil {
		return err
	}
	return a.setMeta()
}

// checkBlank refuses a replica that holds anything replicated: log
// entries, rows, versions of other sites or refusals (which name sites by
// this replica's numbers, which the copy replaces), or domain rows.
func (a *adopter) checkBlank() error {
	tables := []string{"sync_log", "sync_rows", "sync_cells", "sync_versions", "sync_rejected"}
	for _, t := range a.db.order {
		tables = append(tables, t.Name)
	}
	for _, name := range tables {
		var held bool
		if err := a.tx.QueryRowContext(a.ctx, `SELECT EXISTS (SELECT 1 FROM main.`+quote(name)+`)`).Scan(&held); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if held {
			return fmt.Errorf("%w (%s is not empty): a snapshot only starts a new replica", ErrNotBlank, name)
		}
	}
	return nil
}

// copySites replaces this replica's sites with the snapshot's, whose
// numbers the copied log and cells use, then interns again under new
// numbers the sites this replica had (its own, perhaps), which nothing
// refers to yet.
func (a *adopter) copySites() error {
	rows, err := a.tx.QueryContext(a.ctx, `SELECT site FROM main.sync_sites`)
	if err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	var had [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return fmt.Errorf("read sites: %w", err)
		}
		had = append(had, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM main.sync_sites`); err != nil {
		return fmt.Errorf("replace sites: %w", err)
	}
	if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO main.sync_sites SELECT * FROM snap.sync_sites`); err != nil {
		return fmt.Errorf("copy sites: %w", err)
	}
	for _, site := range had {
		if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO main.sync_sites (site) VALUES (?) ON CONFLICT (site) DO NOTHING`, site); err != nil {
			return fmt.Errorf("intern site: %w", err)
		}
	}
	return nil
}

// checkForeignKeys checks, inside the transaction, that every site number
// the copied tables use names a site.
func (a *adopter) checkForeignKeys() error {
	for _, name := range []string{"sync_log", "sync_cells"} {
		rows, err := a.tx.QueryContext(a.ctx, `PRAGMA main.foreign_key_check(`+quote(name)+`)`)
		if err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		bad := rows.Next()
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		if bad {
			return fmt.Errorf("%w: %s names a site the snapshot does not hold", ErrBadSnapshot, name)
		}
	}
	return nil
}

// setMeta records the server's incarnation and the snapshot's cursor as
// the pull cursor (as ApplyPulled does), and raises the stored clock to the
// latest stamp the snapshot holds, up to the clock's horizon: stamps past
// it are not followed, as pulled ones are not (see Clock.Observe).
func (a *adopter) setMeta() error {
	if horizon := a.db.clock.Horizon(); a.maxHLC > horizon {
		err := a.tx.QueryRowContext(a.ctx, `SELECT coalesce(max(hlc), 0) FROM main.sync_log WHERE hlc <= ?`, horizon).Scan(&a.maxHLC)
		if err != nil {
			return fmt.Errorf("latest stamp within the clock's horizon: %w", err)
		}
	}
	if err := setMeta(a.ctx, a.tx, metaPullIncarnation, a.info.Incarnation); err != nil {
		return err
	}
	if err := setMeta(a.ctx, a.tx, metaPullCursor, mustJSON(a.info.Cursor)); err != nil {
		return err
	}
	var hlc int64
	if err := getMeta(a.ctx, a.tx, metaHLC, &hlc); err != nil {
		return err
	}
	a.maxHLC = max(a.maxHLC, HLC(hlc))
	return setMeta(a.ctx, a.tx, metaHLC, int64(a.maxHLC))
}
