-- The cell store by commune (PostgreSQL only; see postgres_partition.go).
-- A cell carries its row's scope, first in its key, and the table is
-- partitioned by it, a partition per scope, made the first time the scope
-- is written: what reads or writes one commune's cells — its digest, its
-- snapshot, the merge of its changes — touches that commune's partition
-- only, whatever the number of communes and the size of the store.
--
-- sync_cells_partition makes the partition of a scope unless it exists. A
-- scope of small letters and digits (a commune code) names it
-- sync_cells_<scope>; another, sync_cells__<32 hex digits of its SHA-256>.
-- It is made as a table of its own, then attached, which locks the parent
-- table against other DDL only: readers and the writer go on.

CREATE FUNCTION sync_cells_partition(s TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
	name TEXT := 'sync_cells_' || CASE WHEN s ~ '^[0-9a-z]{1,40}$' THEN s
		ELSE '_' || left(encode(sha256(convert_to(s, 'UTF8')), 'hex'), 32) END;
BEGIN
	IF to_regclass(quote_ident(name)) IS NULL THEN
		EXECUTE format('CREATE TABLE %I (LIKE sync_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
		EXECUTE format('ALTER TABLE sync_cells ATTACH PARTITION %I FOR VALUES IN (%L)', name, s);
	END IF;
END $$;

ALTER TABLE sync_cells RENAME TO sync_cells_unscoped;
ALTER TABLE sync_cells_unscoped RENAME CONSTRAINT sync_cells_pkey TO sync_cells_unscoped_pkey;

CREATE TABLE sync_cells (
	scope  TEXT   COLLATE "C" NOT NULL,
	tbl    TEXT   COLLATE "C" NOT NULL,
	row_id BYTEA  NOT NULL,
	col    TEXT   COLLATE "C" NOT NULL,
	val    BYTEA,
	hlc    BIGINT NOT NULL,
	site   BIGINT NOT NULL REFERENCES sync_sites (id),
	cl     BIGINT NOT NULL,
	PRIMARY KEY (scope, tbl, row_id, col)
) PARTITION BY LIST (scope);

SELECT sync_cells_partition(scope) FROM (SELECT DISTINCT scope FROM sync_rows) s;

-- Every cell has its row (the merge stores a row before its cells); the
-- scope's NOT NULL refuses the migration if one had not.
INSERT INTO sync_cells (scope, tbl, row_id, col, val, hlc, site, cl)
	SELECT r.scope, c.tbl, c.row_id, c.col, c.val, c.hlc, c.site, c.cl
	FROM sync_cells_unscoped c LEFT JOIN sync_rows r ON r.tbl = c.tbl AND r.row_id = c.row_id;

DROP TABLE sync_cells_unscoped;

-- A commune's rows, with their causal lengths, from the index alone.
DROP INDEX sync_rows_scope;
CREATE INDEX sync_rows_scope ON sync_rows (scope, tbl, row_id) INCLUDE (cl);
