package ops

import (
	"context"

	"hodan/reconcile"
	"hodan/syncengine"
)

// CheckMinScore refuses a least score of a pair that is not from 0 to 1.
func CheckMinScore(minScore float64) error {
	if minScore < 0 || minScore > 1 {
		return fail("error.min_score", minScore)
	}
	return nil
}

// Duplicates lists the pairs of shown households of who's communes that
// may be one family registered twice, scoring at least minScore (0 to 1),
// by reconcile.Duplicates' rule.
func Duplicates(ctx context.Context, db *syncengine.DB, who Actor, minScore float64) ([]reconcile.Pair, error) {
	if err := CheckMinScore(minScore); err != nil {
		return nil, err
	}
	pairs, err := reconcile.Duplicates(ctx, db.SQL(), who.Communes)
	return reconcile.AtLeast(pairs, minScore), err
}
