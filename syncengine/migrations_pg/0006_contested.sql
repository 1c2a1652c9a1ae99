-- The contested cells (see syncengine/contested.go): the log entries of
-- every cell written more than once, keyed by scope first, so that listing
-- a commune's conflicts reads those entries only, never the whole log.
-- sync_cells.seq is the log entry of a cell's winning write: when a second
-- write of a cell arrives, it is the first one's, and both enter the index.

ALTER TABLE sync_cells ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE sync_contested (
	scope  TEXT   COLLATE "C" NOT NULL,
	tbl    TEXT   COLLATE "C" NOT NULL,
	row_id BYTEA  NOT NULL,
	col    TEXT   COLLATE "C" NOT NULL,
	seq    BIGINT NOT NULL,
	PRIMARY KEY (scope, tbl, row_id, col, seq)
);

-- Filled once from the log, by one pass of it.
UPDATE sync_cells c SET seq = w.seq FROM (
	SELECT tbl, row_id, col, origin, hlc, cl, max(seq) AS seq FROM sync_log
	WHERE col != '' GROUP BY tbl, row_id, col, origin, hlc, cl) w
	WHERE w.tbl = c.tbl AND w.row_id = c.row_id AND w.col = c.col
	AND w.origin = c.site AND w.hlc = c.hlc AND w.cl = c.cl;

INSERT INTO sync_contested (scope, tbl, row_id, col, seq)
	SELECT scope, tbl, row_id, col, seq FROM (
		SELECT scope, tbl, row_id, col, seq, count(*) OVER (PARTITION BY tbl, row_id, col) AS n
		FROM sync_log WHERE col != '') l
	WHERE n > 1;
