package accounts

import (
	"context"
	"database/sql"

	"hodan/syncengine"
)

// Migrations create the accounts' tables in the server's database.
func Migrations() []syncengine.Migration {
	return []syncengine.Migration{{Name: "server/accounts_0001", Up: createTables}}
}

func createTables(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
-- Operators of the console. communes is a JSON array of commune codes; an
-- empty array is every commune of the server. password is an Argon2id hash
-- in the PHC string format.
CREATE TABLE server_users (
	id           INTEGER PRIMARY KEY,
	login        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	name         TEXT    NOT NULL,
	role         TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'auditor')),
	communes     TEXT    NOT NULL,
	password     TEXT    NOT NULL,
	created_at   INTEGER NOT NULL, -- Unix milliseconds
	password_at  INTEGER NOT NULL,
	disabled_at  INTEGER
) STRICT;

-- Console sessions. The cookie holds a random token; only its SHA-256 is
-- kept. csrf is the token every form of the session carries.
CREATE TABLE server_sessions (
	token_hash BLOB    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES server_users (id),
	csrf       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX server_sessions_user ON server_sessions (user_id);

-- Failed logins, for the limit on guessing; kept a day.
CREATE TABLE server_login_failures (
	login TEXT    NOT NULL COLLATE NOCASE,
	ip    TEXT    NOT NULL,
	at    INTEGER NOT NULL
) STRICT;

CREATE INDEX server_login_failures_login ON server_login_failures (login, at);
CREATE INDEX server_login_failures_ip ON server_login_failures (ip, at);

-- Every operator action, in order. hash chains each entry to the one
-- before it (SHA-256 of the previous hash and the entry), so an auditor
-- can tell that none was altered or taken out.
CREATE TABLE server_actions (
	id     INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL,
	login  TEXT    NOT NULL,
	role   TEXT    NOT NULL,
	action TEXT    NOT NULL,
	target TEXT    NOT NULL,
	detail TEXT    NOT NULL,
	origin TEXT    NOT NULL, -- "console from <ip>", or "command line"
	hash   BLOB    NOT NULL
) STRICT;`)
	return err
}
