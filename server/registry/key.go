package registry

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// ServerKey returns the server's ed25519 key, which signs its log's
// checkpoints, making it the first time it is asked for.
func (r *Registry) ServerKey(ctx context.Context) (ed25519.PrivateKey, error) {
	var key []byte
	err := r.db.SQL().QueryRowContext(ctx, `SELECT private_key FROM server_key WHERE id = 1`).Scan(&key)
	if err == nil {
		return ed25519.PrivateKey(key), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read server key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make server key: %w", err)
	}
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		// Another process may have made one meanwhile: the first one kept
		// is the key, and is read back.
		if _, err := tx.ExecContext(ctx, `INSERT INTO server_key (id, private_key, created_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO NOTHING`, []byte(priv), r.now().UnixMilli()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT private_key FROM server_key WHERE id = 1`).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("save server key: %w", err)
	}
	return ed25519.PrivateKey(key), nil
}

// PublicServerKey returns the server's public key, or nil if it has none
// yet, without making one: for read-only use.
func (r *Registry) PublicServerKey(ctx context.Context) (ed25519.PublicKey, error) {
	var key []byte
	err := r.db.SQL().QueryRowContext(ctx, `SELECT private_key FROM server_key WHERE id = 1`).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read server key: %w", err)
	}
	return ed25519.PrivateKey(key).Public().(ed25519.PublicKey), nil
}

// DeviceKeys returns every key every device was ever enrolled with, in
// the order they were enrolled, then by device and key: the order a
// checkpoint's KeysHash covers them in.
func (r *Registry) DeviceKeys(ctx context.Context) ([]syncengine.DeviceKey, error) {
	rows, err := r.db.SQL().QueryContext(ctx, `SELECT device, public_key, officer, enrolled_at FROM server_device_keys
		ORDER BY enrolled_at, device, public_key`)
	if err != nil {
		return nil, fmt.Errorf("read device keys: %w", err)
	}
	defer rows.Close()
	var out []syncengine.DeviceKey
	for rows.Next() {
		var k syncengine.DeviceKey
		var id string
		var key []byte
		if err := rows.Scan(&id, &key, &k.Officer, &k.EnrolledAt); err != nil {
			return nil, fmt.Errorf("read device keys: %w", err)
		}
		if k.Device, err = uuid.Parse(id); err != nil {
			return nil, fmt.Errorf("read device keys: %w", err)
		}
		k.PublicKey = key
		out = append(out, k)
	}
	return out, rows.Err()
}

// Checkpoint signs, with the server's key, a checkpoint of the log as it
// stands and of the device keys registered by now (see
// syncengine.DB.SignCheckpoint).
func (r *Registry) Checkpoint(ctx context.Context, now time.Time) (syncengine.Checkpoint, error) {
	key, err := r.ServerKey(ctx)
	if err != nil {
		return syncengine.Checkpoint{}, err
	}
	keys, err := r.DeviceKeys(ctx)
	if err != nil {
		return syncengine.Checkpoint{}, err
	}
	n := 0
	for n < len(keys) && keys[n].EnrolledAt <= now.UnixMilli() {
		n++
	}
	return r.db.SignCheckpoint(ctx, key, syncengine.KeysHash(keys[:n]), now)
}
