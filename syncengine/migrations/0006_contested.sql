-- The contested cells (see syncengine/contested.go): the log entries of
-- every cell written more than once, by scope, so that listing conflicts
-- reads those entries only, never the whole log. sync_cells.seq is the log
-- entry of a cell's winning write: when a second write of a cell arrives,
-- it is the first one's, and both enter the index.

ALTER TABLE sync_cells ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sync_contested (
	scope  TEXT    NOT NULL,
	tbl    TEXT    NOT NULL,
	row_id BLOB    NOT NULL,
	col    TEXT    NOT NULL,
	seq    INTEGER NOT NULL,
	PRIMARY KEY (scope, tbl, row_id, col, seq)
) STRICT, WITHOUT ROWID;

-- Filled once from the log, through an index by cell that only this
-- migration uses.
CREATE INDEX sync_log_cell_once ON sync_log (tbl, row_id, col, origin, hlc, cl);

UPDATE sync_cells SET seq = (SELECT max(l.seq) FROM sync_log l
	WHERE l.tbl = sync_cells.tbl AND l.row_id = sync_cells.row_id AND l.col = sync_cells.col
	AND l.origin = sync_cells.site AND l.hlc = sync_cells.hlc AND l.cl = sync_cells.cl);

INSERT INTO sync_contested (scope, tbl, row_id, col, seq)
	SELECT l.scope, l.tbl, l.row_id, l.col, l.seq FROM sync_log l
	WHERE l.col != '' AND EXISTS (SELECT 1 FROM sync_log o
		WHERE o.tbl = l.tbl AND o.row_id = l.row_id AND o.col = l.col AND o.seq != l.seq);

DROP INDEX sync_log_cell_once;
