package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// Keys of sync_meta.
const (
	metaSite        = "site_id"
	metaIncarnation = "incarnation"
	metaHLC         = "hlc"
	metaOwnSeq      = "own_seq"
)

// initMeta gives a new database its site id and incarnation.
func (db *DB) initMeta(ctx context.Context) error {
	// A database that has them is read, not written: opening it then does
	// not wait for another process's write.
	var have int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sync_meta WHERE key IN (?, ?, ?, ?)`,
		metaSite, metaIncarnation, metaHLC, metaOwnSeq).Scan(&have)
	if err == nil && have == 4 {
		return nil
	}
	tx, err := db.beginWrite(ctx, ctx, durable)
	if err != nil {
		return fmt.Errorf("init meta: %w", err)
	}
	defer tx.Rollback()
	site := uuid.New()
	for key, value := range map[string]any{
		metaSite:        Blob(site[:]),
		metaIncarnation: Text(uuid.NewString()),
		metaHLC:         Int(0),
		metaOwnSeq:      Int(0),
	} {
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, value)
		if err != nil {
			return fmt.Errorf("init meta %s: %w", key, err)
		}
	}
	return tx.Commit()
}

func (db *DB) loadMeta(ctx context.Context, cfg Config) error {
	var site []byte
	var hlc, ownSeq int64
	if err := getMeta(ctx, db.r, metaSite, &site); err != nil {
		return err
	}
	if err := getMeta(ctx, db.r, metaIncarnation, &db.incarnation); err != nil {
		return err
	}
	if err := getMeta(ctx, db.r, metaHLC, &hlc); err != nil {
		return err
	}
	if err := getMeta(ctx, db.r, metaOwnSeq, &ownSeq); err != nil {
		return err
	}
	var err error
	if db.site, err = uuid.FromBytes(site); err != nil {
		return fmt.Errorf("site id: %w", err)
	}
	db.ownSeq = uint64(ownSeq)
	db.clock = NewClock(cfg.Now, HLC(hlc), cfg.ClockTolerance)
	return nil
}

// errNoMeta is returned by getMeta for a key that was never set.
var errNoMeta = errors.New("not set")

func getMeta(ctx context.Context, q querier, key string, dest any) error {
	err := q.QueryRowContext(ctx, `SELECT value FROM sync_meta WHERE key = ?`, key).Scan(dest)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("meta %s: %w", key, errNoMeta)
	}
	if err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	return nil
}

// setMeta sets key to value: an int64, a string or a []byte, stored as a
// Value (postgres_value.go).
func setMeta(ctx context.Context, tx *sql.Tx, key string, value any) error {
	v, err := ValueOf(value)
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sync_meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, v)
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}
