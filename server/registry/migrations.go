package registry

import (
	"context"
	"database/sql"

	"hodan/syncengine"
)

// Migrations create the registry's tables in the server's database.
func Migrations() []syncengine.Migration {
	return []syncengine.Migration{{Name: "server/0001_registry", Up: createTables}}
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
