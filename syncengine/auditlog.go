package syncengine

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// AuditEntry is a log entry as an auditor reads it: its place in the log,
// its change, the batch it came in (0: written here, or pulled) and its
// chain hash.
type AuditEntry struct {
	Seq    uint64
	Change Change
	Batch  uint64
	Chain  Hash
}

// AuditLog returns up to limit log entries after local sequence after, in
// log order.
func (db *DB) AuditLog(ctx context.Context, after uint64, limit int) ([]AuditEntry, error) {
	return readAuditLog(ctx, db.r, db.sites, after, limit)
}

// readAuditLog reads up to limit log entries (all for a negative limit)
// after local sequence after through q.
func readAuditLog(ctx context.Context, q querier, sites *siteCache, after uint64, limit int) ([]AuditEntry, error) {
	if limit < 0 {
		limit = math.MaxInt64 // PostgreSQL refuses SQLite's LIMIT -1
	}
	return queryAuditLog(ctx, q, sites, `WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// queryAuditLog reads the log entries that where (a WHERE clause and its
// order, of sync_log l) selects with args, through q.
func queryAuditLog(ctx context.Context, q querier, sites *siteCache, where string, args ...any) ([]AuditEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+logColumns+`, coalesce(l.batch, 0), l.chain FROM sync_log l `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	var origins []int64
	for rows.Next() {
		var e AuditEntry
		var origin int64
		var chain []byte
		if err := scanLogRow(rows, &e.Seq, &origin, &e.Change, &e.Batch, &chain); err != nil {
			return nil, err
		}
		e.Chain = hashOf(chain)
		out = append(out, e)
		origins = append(origins, origin)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Change.Site, err = lookupSite(ctx, q, sites, origins[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Receipt returns the receipt of batch id.
func (db *DB) Receipt(ctx context.Context, id uint64) (Receipt, error) {
	return readReceipt(ctx, db.r, int64(id))
}

func readReceipt(ctx context.Context, q querier, id int64) (Receipt, error) {
	r := Receipt{Batch: uint64(id)}
	var device, changes []byte
	err := q.QueryRowContext(ctx, `SELECT device, officer, received, signature, changes FROM sync_batches WHERE id = ?`, id).
		Scan(&device, &r.Officer, &r.Received, &r.Signature, &changes)
	if err != nil {
		return Receipt{}, fmt.Errorf("read batch %d: %w", id, err)
	}
	copy(r.Device[:], device)
	r.Changes = make([]Hash, len(changes)/len(Hash{}))
	for i := range r.Changes {
		copy(r.Changes[i][:], changes[i*len(Hash{}):])
	}
	return r, nil
}

// LastReceipts returns, for each device that pushed a batch received at
// or before until (Unix milliseconds), when the last of them was received.
func (db *DB) LastReceipts(ctx context.Context, until int64) (map[SiteID]time.Time, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT device, max(received) FROM sync_batches WHERE received <= ? GROUP BY device`, until)
	if err != nil {
		return nil, fmt.Errorf("read receipts: %w", err)
	}
	defer rows.Close()
	out := map[SiteID]time.Time{}
	for rows.Next() {
		var device []byte
		var at int64
		if err := rows.Scan(&device, &at); err != nil {
			return nil, fmt.Errorf("read receipts: %w", err)
		}
		out[SiteID(device)] = time.UnixMilli(at)
	}
	return out, rows.Err()
}

// LogHead returns the number of entries in the log and the chain hash of
// the last (zero for an empty log).
func (db *DB) LogHead(ctx context.Context) (uint64, Hash, error) {
	return logHead(ctx, db.r)
}

func logHead(ctx context.Context, q querier) (uint64, Hash, error) {
	var seq uint64
	var chain []byte
	err := q.QueryRowContext(ctx, `SELECT seq, chain FROM sync_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Hash{}, nil
	}
	if err != nil {
		return 0, Hash{}, fmt.Errorf("read log head: %w", err)
	}
	return seq, hashOf(chain), nil
}

// SignCheckpoint signs, with this replica's key, a checkpoint of its log
// as it stands and of the device keys whose hash is keys, and keeps it. If
// neither has changed since the last checkpoint, that one is returned and
// nothing is signed. An empty log has no checkpoint: it returns a zero
// Checkpoint.
func (db *DB) SignCheckpoint(ctx context.Context, key ed25519.PrivateKey, keys Hash, now time.Time) (Checkpoint, error) {
	var cp Checkpoint
	err := db.Exec(ctx, func(tx *sql.Tx) error {
		size, head, err := logHead(ctx, tx)
		if err != nil || size == 0 {
			return err
		}
		last, err := lastCheckpoint(ctx, tx)
		if err != nil {
			return err
		}
		if last.Size == size && last.Keys == keys {
			cp = last
			cp.Site = db.site
			return nil
		}
		cp = Checkpoint{Site: db.site, Size: size, Head: head, At: now.UnixMilli(), Keys: keys}
		cp.Signature = ed25519.Sign(key, cp.Message())
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_checkpoints (size, head, at, keys, signature) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (size) DO UPDATE SET head = excluded.head, at = excluded.at, keys = excluded.keys,
				signature = excluded.signature`,
			cp.Size, cp.Head[:], cp.At, cp.Keys[:], cp.Signature)
		if err != nil {
			return fmt.Errorf("save checkpoint: %w", err)
		}
		return nil
	})
	return cp, err
}

func lastCheckpoint(ctx context.Context, q querier) (Checkpoint, error) {
	var cp Checkpoint
	var head, keys []byte
	err := q.QueryRowContext(ctx, `SELECT size, head, at, keys, signature FROM sync_checkpoints ORDER BY size DESC LIMIT 1`).
		Scan(&cp.Size, &head, &cp.At, &keys, &cp.Signature)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, nil
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	cp.Head, cp.Keys = hashOf(head), hashOf(keys)
	return cp, nil
}

// Checkpoints returns the checkpoints this replica signed, by size.
func (db *DB) Checkpoints(ctx context.Context) ([]Checkpoint, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT size, head, at, keys, signature FROM sync_checkpoints ORDER BY size`)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	var out []Checkpoint
	for rows.Next() {
		cp := Checkpoint{Site: db.Site()}
		var head, keys []byte
		if err := rows.Scan(&cp.Size, &head, &cp.At, &keys, &cp.Signature); err != nil {
			return nil, fmt.Errorf("read checkpoints: %w", err)
		}
		cp.Head, cp.Keys = hashOf(head), hashOf(keys)
		out = append(out, cp)
	}
	return out, rows.Err()
}
