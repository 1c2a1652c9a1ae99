package registry

import (
	"context"
	"database/sql"

	"hodan/syncengine"
)

// Migrations create the registry's tables in the server's database.
func Migrations() []syncengine.Migration {
	return []syncengine.Migration{
		{Name: "server/0001_registry", Up: createTables},
		{Name: "server/0002_keys", Up: createKeys},
	}
}

func createTables(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
-- One-time enrollment codes, stored hashed: the code itself is only ever
-- shown once, to the operator who made it.
CREATE TABLE server_enrollments (
	code_hash  BLOB PRIMARY KEY,
	officer    TEXT    NOT NULL,
	communes   TEXT    NOT NULL, -- JSON array of commune codes
	created_at INTEGER NOT NULL, -- Unix milliseconds
	expires_at INTEGER NOT NULL,
	used_at    INTEGER,
	device_id  TEXT
) STRICT;

-- Enrolled devices. A device's id is its replica's site id; its token is
-- stored hashed.
CREATE TABLE server_devices (
	id          TEXT PRIMARY KEY,
	token_hash  BLOB    NOT NULL UNIQUE,
	officer     TEXT    NOT NULL,
	communes    TEXT    NOT NULL, -- JSON array of commune codes
	enrolled_at INTEGER NOT NULL,
	revoked_at  INTEGER
) STRICT;`)
	return err
}

func createKeys(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
-- Each device's ed25519 public key, sent at enrollment: the server accepts
-- only batches signed with it. A device enrolled before keys has none, and
-- must enroll again.
ALTER TABLE server_devices ADD COLUMN public_key BLOB;

-- Every key a device was ever enrolled with: a device enrolled again gets
-- a new key, and its batches signed with the old one must still verify.
CREATE TABLE server_device_keys (
	device      TEXT    NOT NULL,
	public_key  BLOB    NOT NULL CHECK (length(public_key) = 32),
	officer     TEXT    NOT NULL,
	enrolled_at INTEGER NOT NULL,
	PRIMARY KEY (device, public_key)
) STRICT;

-- The server's own ed25519 key, made the first time it is needed: it signs
-- the log's checkpoints. The private key never leaves this file.
CREATE TABLE server_key (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	private_key BLOB    NOT NULL CHECK (length(private_key) = 64),
	created_at  INTEGER NOT NULL
) STRICT;`)
	return err
}
