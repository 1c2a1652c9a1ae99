-- The log's and the cell store's references to sync_sites and sync_batches
-- are kept by the engine, not checked by PostgreSQL (PostgreSQL only; see
-- the package doc, "References"). A foreign key costs PostgreSQL a
-- trigger and a locking probe per inserted row: two thirds of the time of
-- the merge's insert into the log (EXPLAIN ANALYZE, BENCHMARKS.md,
-- "PostgreSQL, third round"). The merge takes every site id and batch id
-- it writes from a row of those tables, read or inserted in the same
-- transaction under the write lock, and nothing deletes their rows on
-- PostgreSQL. SQLite keeps the checks (cheap there), so the whole engine
-- suite still checks the engine's writes on every run.
-- (The cell store's key is named by PostgreSQL, after 0005 renamed the
-- table it replaced: it is found by what it references.)
DO $$
DECLARE
	fk RECORD;
BEGIN
	FOR fk IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
		WHERE contype = 'f' AND conparentid = 0
			AND conrelid IN ('sync_log'::regclass, 'sync_cells'::regclass)
			AND confrelid IN ('sync_sites'::regclass, 'sync_batches'::regclass)
	LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
	END LOOP;
END $$;
