package registry

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
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
