package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

// DB is one replica's database: the engine's log and cell store and the
// domain tables projected from them, in one SQLite file. It is safe for
// concurrent use; writes are serialized.
type DB struct {
	path   string
	w      *sql.DB // the single writing connection
	r      *sql.DB // readers; WAL lets them run beside the writer
	clock  *Clock
	tables map[string]*table
	order  []*table
	sites  *siteCache

	incarnation string

	writeMu sync.Mutex // held for every write transaction
	ownSeq  uint64     // guarded by writeMu: the last sequence number this site issued
	// site is this replica's site id. It changes only when the replica
	// continues under a new one (Resite), here or in another process
	// (begin reads it back), with writeMu and siteMu held: code holding
	// writeMu reads it as it is, other code through Site.
	site   SiteID
	siteMu sync.RWMutex
}

// Open opens or creates the replica database at path: it sets the pragmas
// (WAL, synchronous=FULL, foreign keys, busy timeout), applies the engine's
// migrations and then cfg.Migrations, gives a new database its site id and
// incarnation, and checks that every table in cfg.Tables exists with its
// columns. A new file is created readable by its owner only.
func Open(ctx context.Context, path string, cfg Config) (*DB, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if !cfg.ReadOnly {
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := &DB{path: path, tables: map[string]*table{}, sites: newSiteCache()}
	var err error
	if db.r, err = sql.Open("sqlite3", dsn(path, "&_query_only=1")); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(8)
	if !cfg.ReadOnly {
		if db.w, err = sql.Open("sqlite3", dsn(path, "&_txlock=immediate")); err != nil {
			db.r.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		db.w.SetMaxOpenConns(1)
	}
	if err := db.init(ctx, cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) init(ctx context.Context, cfg Config) error {
	migs, err := engineMigrations()
	if err != nil {
		return err
	}
	migs = append(migs, cfg.Migrations...)
	if cfg.ReadOnly {
		err = checkMigrated(ctx, db.r, migs)
	} else {
		err = migrate(ctx, db.w, migs, cfg.Now)
	}
	if err != nil {
		return err
	}
	if !cfg.ReadOnly {
		if err := db.initMeta(ctx); err != nil {
			return err
		}
	}
	if err := db.loadMeta(ctx, cfg); err != nil {
		return err
	}
	for _, spec := range cfg.Tables {
		t, err := db.describe(ctx, spec)
		if err != nil {
			return err
		}
		db.tables[spec.Name] = t
		db.order = append(db.order, t)
	}
	if cfg.ReadOnly {
		return nil
	}
	return db.reprojectNewColumns(ctx)
}

// dsn is the data source name of path for the mattn/go-sqlite3 driver.
func dsn(path, extra string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	return u.String() + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1" +
		"&_busy_timeout=10000&_stmt_cache_size=64" + extra
}

// createPrivate creates path, if it does not exist, readable and writable
// by its owner only. SQLite gives the WAL and shared-memory files the same
// permissions as the database file.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return f.Close()
}

// Close closes the database. A clean close checkpoints the WAL.
func (db *DB) Close() error {
	var errs []error
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Site is this replica's site id. It changes when a sync finds the
// database to be an older copy of itself, or a copy used on another
// laptop, and the replica continues under a new one (see Fork).
func (db *DB) Site() SiteID {
	db.siteMu.RLock()
	defer db.siteMu.RUnlock()
	return db.site
}

// setSite changes the site id. The caller holds writeMu.
func (db *DB) setSite(site SiteID) {
	db.siteMu.Lock()
	defer db.siteMu.Unlock()
	db.site = site
}

// Incarnation identifies this database file's life: it is made when the file
// is created and never changes. A pull cursor is only meaningful within one
// incarnation.
func (db *DB) Incarnation() string { return db.incarnation }

// Clock is this replica's hybrid logical clock.
func (db *DB) Clock() *Clock { return db.clock }

// SQL is a read-only handle on the database, for queries of the domain
// tables. Domain tables must only be written by the engine.
func (db *DB) SQL() *sql.DB { return db.r }

// Exec runs fn in a write transaction of its own, for application tables the
// engine does not replicate (device settings, enrollment codes). It must not
// write synced domain tables.
func (db *DB) Exec(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.w == nil {
		return errReadOnly
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

var errReadOnly = errors.New("database is open read-only")
