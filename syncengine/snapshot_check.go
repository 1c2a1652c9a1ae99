package syncengine

import (
	"fmt"
	"slices"
)

// check reads the attached snapshot's description and refuses it, before
// anything is written, unless it is of this format, built for exactly this
// replica's tables, free of this replica's own site, and within the bounds
// a pull accepts. It uses SQL aggregates: nothing of the snapshot's content
// is loaded into memory.
func (a *adopter) check() error {
	if err := a.readMeta(); err != nil {
		return err
	}
	if err := a.checkSchema(); err != nil {
		return err
	}
	var own bool
	err := a.q.QueryRowContext(a.ctx, `SELECT EXISTS (SELECT 1 FROM snap.sync_sites WHERE site = ?)`, a.db.site[:]).Scan(&own)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if own {
		return fmt.Errorf("%w: it holds changes of this replica's own site, which never reach it from a server", ErrBadSnapshot)
	}
	return a.checkBounds()
}

// readMeta reads the snapshot's format and description.
func (a *adopter) readMeta() error {
	var format int
	var info string
	err := a.q.QueryRowContext(a.ctx, `SELECT
		(SELECT value FROM snap.`+snapshotMetaTable+` WHERE key = ?), (SELECT value FROM snap.`+snapshotMetaTable+` WHERE key = ?)`,
		snapKeyFormat, snapKeyInfo).Scan(&format, &info)
	if err != nil {
		return fmt.Errorf("%w: not a snapshot: %w", ErrBadSnapshot, err)
	}
	if format != SnapshotFormat {
		return fmt.Errorf("%w: format %d, this replica reads format %d", ErrBadSnapshot, format, SnapshotFormat)
	}
	if err := unmarshalJSON(info, &a.info); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if a.info.Format != format || a.info.Incarnation == "" || len(a.info.Scopes) == 0 {
		return fmt.Errorf("%w: its description is incomplete", ErrBadSnapshot)
	}
	return nil
}

// checkSchema refuses a snapshot whose domain tables and columns, or whose
// tables' definitions and indexes, are not exactly this replica's: its rows
// would not be what this replica's merge projects.
func (a *adopter) checkSchema() error {
	var tables string
	err := a.q.QueryRowContext(a.ctx, `SELECT value FROM snap.`+snapshotMetaTable+` WHERE key = ?`, snapKeyTables).Scan(&tables)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	var cols [][]string
	if err := unmarshalJSON(tables, &cols); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if !slices.EqualFunc(cols, a.db.domainColumns(), slices.Equal) {
		return fmt.Errorf("%w: its tables and columns are not this replica's (update hodan, or the server)", ErrSnapshotSchema)
	}
	names := a.db.snapshotTables()
	mine, err := schemaOf(a.ctx, a.q, "main", names)
	if err != nil {
		return err
	}
	all := append(slices.Clone(names), snapshotMetaTable)
	theirs, err := schemaOf(a.ctx, a.q, "snap", all)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	theirs = slices.DeleteFunc(theirs, func(o schemaObject) bool { return o.Table == snapshotMetaTable })
	if !slices.Equal(mine, theirs) {
		return fmt.Errorf("%w: its table definitions are not this replica's (update hodan, or the server)", ErrSnapshotSchema)
	}
	var others int
	err = a.q.QueryRowContext(a.ctx, `SELECT count(*) FROM snap.sqlite_master WHERE tbl_name NOT IN (`+placeholders(len(all))+`)`,
		anys(all)...).Scan(&others)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if others != 0 {
		return fmt.Errorf("%w: it holds tables this replica does not have", ErrSnapshotSchema)
	}
	return nil
}

// checkBounds refuses the numbers checkPulled refuses in a pulled change,
// a log that is not numbered 1..n, entries or rows outside the snapshot's
// scopes, and counts that disagree with its description. It also finds the
// latest stamp, which the replica's clock must pass.
func (a *adopter) checkBounds() error {
	in := `scope IN (` + placeholders(len(a.info.Scopes)) + `)`
	args := append([]any{int64(maxPulledHLC), int64(maxPulledHLC)}, anys(a.info.Scopes)...)
	var n, first, last, bad, logMax, cells, badCells, cellMax, rows, badRows int64
	err := a.q.QueryRowContext(a.ctx, `SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0),
		count(*) FILTER (WHERE origin_seq < 1 OR cl < 1 OR hlc < 0 OR hlc >= ?1 OR base < 0 OR base >= ?2 OR batch IS NOT NULL
			OR NOT `+in+`),
		coalesce(max(hlc), 0) FROM snap.sync_log`, args...).Scan(&n, &first, &last, &bad, &logMax)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	err = a.q.QueryRowContext(a.ctx, `SELECT count(*), count(*) FILTER (WHERE cl < 1 OR hlc < 0 OR hlc >= ?1),
		coalesce(max(hlc), 0) FROM snap.sync_cells`, int64(maxPulledHLC)).Scan(&cells, &badCells, &cellMax)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	err = a.q.QueryRowContext(a.ctx, `SELECT count(*), count(*) FILTER (WHERE cl < 1 OR NOT `+in+`) FROM snap.sync_rows`,
		anys(a.info.Scopes)...).Scan(&rows, &badRows)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	switch {
	case bad+badCells+badRows > 0:
		return fmt.Errorf("%w: %d log entries, %d cells and %d rows are out of bounds (sequence or causal length below 1, stamped beyond %d, or outside the scopes)",
			ErrBadSnapshot, bad, badCells, badRows, maxPulledHLC)
	case n > 0 && (first != 1 || last != n):
		return fmt.Errorf("%w: its log is numbered %d to %d for %d entries", ErrBadSnapshot, first, last, n)
	case n != a.info.Changes || rows != a.info.Rows || cells != a.info.Cells:
		return fmt.Errorf("%w: it holds %d changes, %d rows and %d cells, its description says %d, %d and %d",
			ErrBadSnapshot, n, rows, cells, a.info.Changes, a.info.Rows, a.info.Cells)
	}
	a.maxHLC = HLC(max(logMax, cellMax))
	return nil
}
