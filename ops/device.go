package ops

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"hodan/syncengine"
)

// Device is a laptop's enrollment with its district server, kept in its
// database (client_device): who records on it, for which communes, with
// which server, and the key that signs what it sends.
type Device struct {
	Server     string    `json:"server"`
	Token      string    `json:"-"`
	Officer    string    `json:"officer"`
	Communes   []string  `json:"communes"`
	ServerSite string    `json:"server_site_id"`
	EnrolledAt time.Time `json:"enrolled_at"`
	// CA is the PEM certificate authority pinned at enrollment; empty
	// means the system's.
	CA string `json:"-"`
	// Key is the laptop's ed25519 key, made at enrollment: it signs every
	// batch pushed. Nil for a laptop enrolled before batches were signed.
	Key ed25519.PrivateKey `json:"-"`
}

// Actor is the officer of the enrollment, for the enrolled communes.
func (d *Device) Actor() Actor {
	communes := d.Communes
	if communes == nil {
		communes = []string{} // an enrollment without communes writes none
	}
	return Actor{Officer: d.Officer, Communes: communes}
}

// ErrNotEnrolled is the error of a laptop that has no enrollment.
var ErrNotEnrolled = fail("error.not_enrolled")

// newDeviceKey makes a laptop's signing key.
func newDeviceKey() (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fail("error.signing_key", err)
	}
	return key, nil
}

// DeviceMigrations are the laptop's own tables, beside the domain's: its
// enrollment, the officers it has heard of, and the guided visits begun
// in the web app (drafts.go). None of them syncs.
func DeviceMigrations() []syncengine.Migration {
	return []syncengine.Migration{{Name: "client/0001_device", Up: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
-- This laptop's enrollment: one row, written by hodan init. The token is
-- a secret; the file is created readable by its owner only.
CREATE TABLE client_device (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	server      TEXT    NOT NULL,
	token       TEXT    NOT NULL,
	officer     TEXT    NOT NULL,
	communes    TEXT    NOT NULL, -- JSON array
	server_site TEXT    NOT NULL,
	enrolled_at INTEGER NOT NULL
) STRICT;`)
		return err
	}}, {Name: "client/0002_pinned_ca", Up: func(ctx context.Context, tx *sql.Tx) error {
		// The certificate authority the laptop trusts for its server, as
		// PEM; empty for the system's.
		_, err := tx.ExecContext(ctx, `ALTER TABLE client_device ADD COLUMN ca_pem TEXT NOT NULL DEFAULT ''`)
		return err
	}}, {Name: "client/0003_officers", Up: func(ctx context.Context, tx *sql.Tx) error {
		// The officers of other devices, as the server named them, so that
		// conflicts say who wrote what even offline.
		_, err := tx.ExecContext(ctx, `CREATE TABLE client_officers (
	site    TEXT PRIMARY KEY,
	officer TEXT NOT NULL
) STRICT`)
		return err
	}}, {Name: "client/0004_signing_key", Up: func(ctx context.Context, tx *sql.Tx) error {
		// The laptop's ed25519 private key, made at hodan init; the server
		// holds its public half and accepts only batches it signed.
		_, err := tx.ExecContext(ctx, `ALTER TABLE client_device ADD COLUMN signing_key BLOB`)
		return err
	}}, {Name: "client/0005_drafts", Up: draftsMigration}}
}

// LoadDevice reads the laptop's enrollment; ErrNotEnrolled if it has none.
func LoadDevice(ctx context.Context, db *syncengine.DB) (*Device, error) {
	var d Device
	var communes string
	var at int64
	var key []byte
	err := db.SQL().QueryRowContext(ctx, `SELECT server, token, officer, communes, server_site, enrolled_at, ca_pem, signing_key FROM client_device`).
		Scan(&d.Server, &d.Token, &d.Officer, &communes, &d.ServerSite, &at, &d.CA, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fail("error.read_enrollment", err)
	}
	if err := json.Unmarshal([]byte(communes), &d.Communes); err != nil {
		return nil, fail("error.read_enrollment", err)
	}
	d.EnrolledAt = time.UnixMilli(at)
	if len(key) == ed25519.PrivateKeySize {
		d.Key = key
	}
	return &d, nil
}

// SaveDevice records the laptop's enrollment, replacing the one before
// (a revoked laptop enrolled again).
func SaveDevice(ctx context.Context, db *syncengine.DB, d *Device) error {
	communes, err := json.Marshal(d.Communes)
	if err != nil {
		return err
	}
	return db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO client_device (id, server, token, officer, communes, server_site, enrolled_at, ca_pem, signing_key)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Server, d.Token, d.Officer, string(communes), d.ServerSite, d.EnrolledAt.UnixMilli(), d.CA, []byte(d.Key))
		if err != nil {
			return fail("error.save_enrollment", err)
		}
		return nil
	})
}

// saveIdentity replaces the laptop's token and signing key, inside the
// transaction in which the replica continues under a new site id: its
// database turned out to be an older copy, or a copy used on another
// laptop (syncengine.Fork).
func saveIdentity(ctx context.Context, tx *sql.Tx, token string, key ed25519.PrivateKey) error {
	res, err := tx.ExecContext(ctx, `UPDATE client_device SET token = ?, signing_key = ? WHERE id = 1`, token, []byte(key))
	if err != nil {
		return fail("error.save_enrollment", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fail("error.save_enrollment", ErrNotEnrolled)
	}
	return nil
}
