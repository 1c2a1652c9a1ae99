package accounts

import (
	"context"
	"database/sql"
)

// ActionHouseholdMerge is the action log's name of a merge of two
// households, from the console or the server's command line.
const ActionHouseholdMerge = "household.merge"

// HouseholdMerge is what the action log keeps of a merge (its detail):
// the commune, the household dropped (the entry's target is the one kept),
// what the merge moved and wrote, and both households as people know them,
// by their heads and numbers.
type HouseholdMerge struct {
	Commune       string `json:"commune"`
	Dropped       string `json:"dropped_id"`
	Moved         int    `json:"moved"`
	Changes       int    `json:"changes"`
	KeptHead      string `json:"kept_head"`
	KeptNumber    string `json:"kept_number"`
	DroppedHead   string `json:"dropped_head"`
	DroppedNumber string `json:"dropped_number"`
}

// RecordMergeTx writes merge m of the household kept, by by, in the
// merge's own transaction tx, so that the entry is kept if and only if the
// merge is.
func (s *Store) RecordMergeTx(ctx context.Context, tx *sql.Tx, by Actor, kept string, m HouseholdMerge) error {
	return s.record(ctx, tx, by, ActionHouseholdMerge, kept, m)
}
