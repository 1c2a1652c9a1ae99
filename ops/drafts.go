package ops

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// A guided visit answered in the web app is asked in steps; after each
// step its answers are kept in the laptop's own table client_drafts, which
// never syncs, so that a tab closed, a browser that crashed or a laptop
// whose battery died mid-visit offers the visit again where the officer
// left it. SaveVisit deletes the draft in the transaction that writes the
// visit: a visit is either a draft or saved, never both.

// Draft is a guided visit begun and not saved yet.
type Draft struct {
	ID          string
	HouseholdID string
	FormID      string
	FormVersion int
	// Date is the visit's date as the officer typed it ("" until then).
	Date string
	// Answers are what the officer typed or picked, by question id, as
	// typed: read again with the question's Parse when the visit goes on.
	Answers map[string]string
	// Step is the step the officer is at.
	Step    int
	Updated time.Time
}

// ErrNoDraft is the error of a draft that is not (or no longer) here: it
// was saved as a visit, or dropped.
var ErrNoDraft = fail("ui.draft.none")

func draftsMigration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
-- Guided visits begun in the web app (hodan ui) and not saved yet: what
-- the officer answered so far, kept after each step. Never synced.
CREATE TABLE client_drafts (
	id           TEXT    PRIMARY KEY,
	household_id TEXT    NOT NULL,
	form_id      TEXT    NOT NULL,
	form_version INTEGER NOT NULL,
	visit_date   TEXT    NOT NULL,
	answers      TEXT    NOT NULL, -- JSON object: question id to what was typed
	step         INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL  -- Unix milliseconds
) STRICT`)
	return err
}

// SaveDraft keeps d, replacing what was kept under its ID; a draft
// without an ID is given one. now is when it was kept.
func SaveDraft(ctx context.Context, db *syncengine.DB, d *Draft, now time.Time) error {
	if d.ID == "" {
		d.ID = uuid.NewString()
	}
	answers, err := json.Marshal(d.Answers)
	if err != nil {
		return fail("ui.draft.save", err)
	}
	d.Updated = now
	return db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO client_drafts
			(id, household_id, form_id, form_version, visit_date, answers, step, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.HouseholdID, d.FormID, d.FormVersion, d.Date, string(answers), d.Step, now.UnixMilli())
		if err != nil {
			return fail("ui.draft.save", err)
		}
		return nil
	})
}

// LoadDraft reads the draft id; ErrNoDraft if there is none.
func LoadDraft(ctx context.Context, db *syncengine.DB, id string) (Draft, error) {
	drafts, err := readDrafts(ctx, db, "WHERE id = ?", id)
	if err != nil {
		return Draft{}, err
	}
	if len(drafts) == 0 {
		return Draft{}, ErrNoDraft
	}
	return drafts[0], nil
}

// Drafts lists the drafts kept, the last one worked on first.
func Drafts(ctx context.Context, db *syncengine.DB) ([]Draft, error) {
	return readDrafts(ctx, db, "")
}

// DeleteDraft drops the draft id; a draft not here is no error.
func DeleteDraft(ctx context.Context, db *syncengine.DB, id string) error {
	return db.Exec(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_drafts WHERE id = ?`, id); err != nil {
			return fail("ui.draft.delete", err)
		}
		return nil
	})
}

// deleteDraftIn drops the draft id within a write transaction, so that it
// goes with the visit written from it; ErrNoDraft if it is no longer
// here (saved already, by a second click or another tab that read it
// before): the transaction then writes no second visit. syncengine.Tx reads through Query
// only; a DELETE … RETURNING is a statement that returns rows, and runs
// within the transaction like any other (client_drafts is the laptop's
// own table: nothing of it is logged or synced).
func deleteDraftIn(tx *syncengine.Tx, id string) error {
	if id == "" {
		return nil
	}
	rows, err := tx.Query(`DELETE FROM client_drafts WHERE id = ? RETURNING id`, id)
	if err != nil {
		return fail("ui.draft.delete", err)
	}
	deleted := false
	for rows.Next() {
		deleted = true
	}
	if err := rows.Close(); err != nil {
		return fail("ui.draft.delete", err)
	}
	if err := rows.Err(); err != nil {
		return fail("ui.draft.delete", err)
	}
	if !deleted {
		return ErrNoDraft
	}
	return nil
}

func readDrafts(ctx context.Context, db *syncengine.DB, where string, args ...any) ([]Draft, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, household_id, form_id, form_version, visit_date, answers, step, updated_at
		FROM client_drafts `+where+` ORDER BY updated_at DESC, id`, args...)
	if err != nil {
		return nil, fail("ui.draft.read", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var answers string
		var at int64
		if err := rows.Scan(&d.ID, &d.HouseholdID, &d.FormID, &d.FormVersion, &d.Date, &answers, &d.Step, &at); err != nil {
			return nil, fail("ui.draft.read", err)
		}
		if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
			return nil, fail("ui.draft.read", err)
		}
		d.Updated = time.UnixMilli(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fail("ui.draft.read", err)
	}
	return out, nil
}
