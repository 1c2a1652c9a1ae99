-- The sync engine's own tables. Domain tables are created by the
-- application's migrations; the engine writes them, nothing else does.

-- Replica-wide settings: site_id, incarnation, hlc, own_seq, pull cursor.
CREATE TABLE sync_meta (
	key   TEXT PRIMARY KEY,
	value ANY
) STRICT, WITHOUT ROWID;

-- Sites are interned: the log and cell store refer to them by a small
-- integer. The integer is local to this replica; only the UUID travels.
CREATE TABLE sync_sites (
	id   INTEGER PRIMARY KEY,
	site BLOB NOT NULL UNIQUE CHECK (length(site) = 16)
) STRICT;

-- The append-only log of every change this replica knows, written locally
-- or received. seq is local; (origin, origin_seq) names the change
-- everywhere. col '' is a row-existence change. chain hashes the identity
-- of every entry up to this one, so that a pull cursor can tell whether the
-- log below it is still the log its holder read.
CREATE TABLE sync_log (
	seq        INTEGER PRIMARY KEY,
	chain      BLOB    NOT NULL,
	origin     INTEGER NOT NULL REFERENCES sync_sites (id),
	origin_seq INTEGER NOT NULL,
	tbl        TEXT    NOT NULL,
	row_id     BLOB    NOT NULL,
	col        TEXT    NOT NULL,
	val        ANY,
	hlc        INTEGER NOT NULL,
	base       INTEGER NOT NULL,
	cl         INTEGER NOT NULL,
	scope      TEXT    NOT NULL,
	UNIQUE (origin, origin_seq)
) STRICT;

CREATE INDEX sync_log_scope ON sync_log (scope, seq);

-- The existence of every row: its scope, fixed at creation, and its causal
-- length (odd: alive, even: deleted).
CREATE TABLE sync_rows (
	tbl    TEXT    NOT NULL,
	row_id BLOB    NOT NULL,
	scope  TEXT    NOT NULL,
	cl     INTEGER NOT NULL,
	PRIMARY KEY (tbl, row_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX sync_rows_scope ON sync_rows (scope, tbl, row_id);

-- The winning write of every cell, including columns this replica's schema
-- does not know yet, and cells of deleted rows (so that a late edit never
-- resurrects a row).
CREATE TABLE sync_cells (
	tbl    TEXT    NOT NULL,
	row_id BLOB    NOT NULL,
	col    TEXT    NOT NULL,
	val    ANY,
	hlc    INTEGER NOT NULL,
	site   INTEGER NOT NULL REFERENCES sync_sites (id),
	cl     INTEGER NOT NULL,
	PRIMARY KEY (tbl, row_id, col)
) STRICT, WITHOUT ROWID;

-- The version vector this replica serves to pushers: for each origin, the
-- highest sequence such that every change up to it is held (in the log, or
-- refused and recorded in sync_rejected).
CREATE TABLE sync_versions (
	origin INTEGER PRIMARY KEY REFERENCES sync_sites (id),
	seq    INTEGER NOT NULL
) STRICT;

-- Changes that were refused, with the reason: on a server, what it refused
-- from pushers (the change itself is kept as JSON, never applied); on a
-- device, its own changes the server refused, for the officer to fix.
CREATE TABLE sync_rejected (
	origin     INTEGER NOT NULL REFERENCES sync_sites (id),
	origin_seq INTEGER NOT NULL,
	code       TEXT    NOT NULL,
	message    TEXT    NOT NULL,
	change     TEXT    NOT NULL,
	at         INTEGER NOT NULL,
	PRIMARY KEY (origin, origin_seq)
) STRICT;
