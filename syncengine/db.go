package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// DB is one replica's database: the engine's log and cell store and the
// domain tables projected from them, in one SQLite file or, for a server,
// a PostgreSQL database (see dialect). It is safe for concurrent use;
// writes are serialized, across processes too.
type DB struct {
	path    string
	dialect dialect
	w       *sql.DB // the single writing connection
	r       *sql.DB // readers; WAL lets them run beside the writer
	clock   *Clock
	tables  map[string]*table
	order   []*table
	// appMigrations are Config.Migrations, for the SQLite shape of the
	// schema a PostgreSQL store gives its snapshots (sqliteSchema).
	appMigrations []Migration
	sites         *siteCache
	// cells writes the statements on the cell store; scopes are the
	// scopes whose partition of it is known to exist (PostgreSQL).
	cells  cellStore
	scopes *scopeSet

	incarnation string
	writeWaits  int    // Config.WriteWaits, at least 1
	waiting     func() // Config.Waiting

	writeMu sync.Mutex // held for every write transaction
	ownSeq  uint64     // guarded by writeMu: the last sequence number this site issued
	relaxed bool       // guarded by writeMu: the writing connection commits recoverably (commitsAs)
	// site is this replica's site id. It changes only when the replica
	// continues under a new one (Resite), here or in another process
	// (begin reads it back), with writeMu and siteMu held: code holding
	// writeMu reads it as it is, other code through Site.
	site   SiteID
	siteMu sync.RWMutex
}

// Open opens or creates the replica database at path, a SQLite file, or
// the PostgreSQL database a postgres:// URL names (IsPostgres). It sets the
// pragmas (WAL, synchronous=FULL, foreign keys, busy timeout) of a SQLite
// file, applies the engine's migrations and then cfg.Migrations, gives a
// new database its site id and incarnation, and checks that every table in
// cfg.Tables exists with its columns. A new file is created readable by
// its owner only.
func Open(ctx context.Context, path string, cfg Config) (*DB, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := dialectOf(path)
	db := &DB{path: path, dialect: d, tables: map[string]*table{}, sites: newSiteCache(),
		cells: cellStore{scoped: d.scopedCells()}, scopes: newScopeSet(),
		writeWaits: max(cfg.WriteWaits, 1), waiting: cfg.Waiting}
	var err error
	if db.w, db.r, err = db.dialect.open(ctx, path, cfg.ReadOnly); err != nil {
		return nil, err
	}
	if err := db.init(ctx, cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", redactURL(path), err)
	}
	return db, nil
}

func (db *DB) init(ctx context.Context, cfg Config) error {
	migs, err := db.dialect.migrations()
	if err != nil {
		return err
	}
	migs = append(migs, cfg.Migrations...)
	db.appMigrations = cfg.Migrations
	if cfg.ReadOnly {
		err = checkMigrated(ctx, db.r, migs)
	} else {
		err = migrate(ctx, db.w, db.dialect, migs, cfg.Now)
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

// Path is the database file's path, or the PostgreSQL database's URL.
func (db *DB) Path() string { return db.path }

// Postgres reports whether the database is a PostgreSQL one.
func (db *DB) Postgres() bool { return db.dialect.postgres() }

// Name is how the database is shown to people: the file's path, or the
// URL without its password.
func (db *DB) Name() string { return redactURL(db.path) }

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
	return db.exec(ctx, durable, fn)
}

// exec is Exec, committing as d.
func (db *DB) exec(ctx context.Context, d durability, fn func(tx *sql.Tx) error) error {
	if db.w == nil {
		return errReadOnly
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.beginWrite(ctx, ctx, d)
	if err != nil {
		return err
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

// beginWrite begins a writing transaction holding the database's write
// lock, whose commit is d; the transaction is bound to txCtx (see
// database/sql's BeginTx). The caller holds writeMu.
func (db *DB) beginWrite(ctx, txCtx context.Context, d durability) (*sql.Tx, error) {
	if err := db.commitsAs(ctx, d); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx, err := db.waitToBegin(ctx, func() (*sql.Tx, error) { return db.w.BeginTx(txCtx, nil) })
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if err := db.dialect.lock(ctx, tx); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// waitToBegin calls begin, which begins a transaction of the writing
// connection (SQLite takes the write lock there), again while another
// process holds the lock: up to Config.WriteWaits busy timeouts, saying so
// once through Config.Waiting; ctx ends the wait.
func (db *DB) waitToBegin(ctx context.Context, begin func() (*sql.Tx, error)) (*sql.Tx, error) {
	for wait := 1; ; wait++ {
		tx, err := begin()
		if err == nil || !IsBusy(err) || wait >= db.writeWaits || ctx.Err() != nil {
			return tx, err
		}
		if wait == 1 && db.waiting != nil {
			db.waiting()
		}
	}
}

// IsBusy reports whether err is SQLite's: another process held the
// database's write lock for longer than the busy timeout.
func IsBusy(err error) bool {
	var lite sqlite3.Error
	return errors.As(err, &lite) && (lite.Code == sqlite3.ErrBusy || lite.Code == sqlite3.ErrLocked)
}

// redactURL is source without the password a URL may hold.
func redactURL(source string) string {
	u, err := url.Parse(source)
	if err != nil || u.User == nil || !IsPostgres(source) {
		return source
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
