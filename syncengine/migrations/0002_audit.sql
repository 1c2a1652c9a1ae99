-- The audit trail (see server/audit/FORMAT.md).

-- What a receiver records of each batch pushed to it: the device that sent
-- it, as which officer, when it arrived, and the device's signature over
-- the hashes of all the batch's changes (changes, 32 bytes each, in the
-- order sent). Log entries name their batch; an entry written here, or
-- pulled from a server, has none.
CREATE TABLE sync_batches (
	id        INTEGER PRIMARY KEY,
	device    BLOB    NOT NULL CHECK (length(device) = 16),
	officer   TEXT    NOT NULL,
	received  INTEGER NOT NULL, -- Unix milliseconds
	signature BLOB    NOT NULL,
	changes   BLOB    NOT NULL CHECK (length(changes) % 32 = 0)
) STRICT;

-- The log's entries name their batch, and their chain hash now covers the
-- whole change and its receipt (migration sync/0003 recomputes it).
ALTER TABLE sync_log ADD COLUMN batch INTEGER REFERENCES sync_batches (id);

-- Checkpoints this replica signed: the log held size entries, the last
-- with chain hash head, at time at, and the device keys it had registered
-- hashed to keys.
CREATE TABLE sync_checkpoints (
	size      INTEGER PRIMARY KEY,
	head      BLOB    NOT NULL CHECK (length(head) = 32),
	at        INTEGER NOT NULL,
	keys      BLOB    NOT NULL CHECK (length(keys) = 32),
	signature BLOB    NOT NULL
) STRICT;
