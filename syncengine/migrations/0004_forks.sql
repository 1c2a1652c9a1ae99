-- The forks of this replica (see syncengine/fork.go): each time a sync
-- found its database to be an older copy of itself, or a copy used on
-- another laptop, it continued under a new site id, to_site, its own
-- changes of from_site after at_seq moved there (moved of them). The
-- server then held from_site up to server_held, and logged changes of it
-- after at_seq that the pulls after the fork must bring; caught_up is set
-- once that was checked. syncs counts the syncs completed since: a status
-- shows the fork until the second.
CREATE TABLE sync_forks (
	id          INTEGER PRIMARY KEY,
	from_site   BLOB    NOT NULL CHECK (length(from_site) = 16),
	at_seq      INTEGER NOT NULL,
	to_site     BLOB    NOT NULL CHECK (length(to_site) = 16),
	moved       INTEGER NOT NULL,
	server_held INTEGER NOT NULL,
	logged      INTEGER NOT NULL,
	caught_up   INTEGER NOT NULL DEFAULT 0,
	at          INTEGER NOT NULL, -- Unix milliseconds
	syncs       INTEGER NOT NULL DEFAULT 0
) STRICT;
