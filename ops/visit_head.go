package ops

import (
	"context"
	"database/sql"
	"fmt"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// The head of a household is recorded on the household (head_name,
// head_birth_year, …) and often not again among its members. A guided
// visit that picks a member (a visit to a person of prestige, who is
// often the head) offers the head too: picked as HeadMember, the head is
// recorded as a member of the household — name, birth year, sex and
// ethnicity from the household, relation "head" — in the visit's
// transaction, and the visit's answers write to that member.

// HeadMember is the answer to a question that picks a member when it picks
// the household's head not yet recorded as a member.
const HeadMember = "head"

// VisitCandidates lists the people a guided visit of household h can
// pick: its members, oldest first, and before them its head, as
// HeadMember, when no member is the head (by relation, or by a name that
// folds to the head's).
func VisitCandidates(ctx context.Context, db *syncengine.DB, h VisitHousehold) ([]VisitMember, error) {
	members, err := VisitMembers(ctx, db, h.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.Relation == "head" || reconcile.Fold(m.Name) == reconcile.Fold(h.Head) {
			return members, nil
		}
	}
	var year sql.NullInt64
	err = db.SQL().QueryRowContext(ctx, `SELECT head_birth_year FROM households WHERE id = ?`, h.ID).Scan(&year)
	if err != nil {
		return nil, fmt.Errorf("read the household's head: %w", err)
	}
	head := VisitMember{ID: HeadMember, Name: SafeText(h.Head), Relation: "head", BirthYear: year.Int64}
	return append([]VisitMember{head}, members...), nil
}

// addHeadMember records the head of household as one of its members, from
// the household's own columns, and returns the member's id.
func addHeadMember(tx *syncengine.Tx, household string) (string, error) {
	rows, err := readHouseholds(tx, "id = ?", household)
	if err != nil {
		return "", err
	}
	h, ok := rows[household]
	if !ok {
		return "", fail("error.no_such_row", Noun(schema.Households.Noun), household, schema.Households.Noun)
	}
	values := map[string]any{
		schema.ColHouseholdID: household, schema.ColFullName: h[schema.ColHeadName], "relation": "head",
		schema.ColBirthYear: h[schema.ColHeadBirthYear], "sex": h["head_sex"], schema.ColEthnicityCode: h[schema.ColEthnicityCode],
	}
	for col, v := range values {
		if v == nil {
			delete(values, col)
		}
	}
	if err := schema.Members.CheckInsert(values); err != nil {
		return "", err
	}
	id, err := tx.Insert(schema.Members.Name, values)
	return id.String(), err
}
