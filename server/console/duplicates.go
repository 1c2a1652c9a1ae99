package console

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
)

// pairRow is a pair of households that may be one family registered
// twice, as people read it: the score and its reasons in words, and the
// two households side by side.
type pairRow struct {
	Score   string // 0,85
	Reasons string
	A, B    householdCard
}

// householdCard is one household of a pair, with what people tell
// households apart by.
type householdCard struct {
	reconcile.Household
	Poverty     string // the poverty status in words
	PovertyCode string // the status itself, for its badge
	Sex         string
	Members     int
}

// opsActor is the operator of v as package ops knows them: their name,
// and the communes of their account (nil: every commune).
func opsActor(v *visit) ops.Actor {
	u := v.user()
	a := ops.Actor{Officer: u.Name}
	if len(u.Communes) > 0 {
		a.Communes = u.Communes
	}
	return a
}

// duplicates lists the pairs of households of the operator's communes
// that may be one family registered twice (ops.Duplicates), best first,
// each with a form to choose which household to keep.
func (c *Console) duplicates(w http.ResponseWriter, r *http.Request, v *visit) error {
	pairs, err := ops.Duplicates(r.Context(), c.cfg.DB, opsActor(v), 0)
	if err != nil {
		return err
	}
	rows, err := c.pairRows(r.Context(), v.lang, pairs)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "duplicates", "/duplicates", rows)
}

// pairRows says pairs for people in l.
func (c *Console) pairRows(ctx context.Context, l i18n.Lang, pairs []reconcile.Pair) ([]pairRow, error) {
	ids := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		ids = append(ids, p.A.ID, p.B.ID)
	}
	facts, err := c.householdFacts(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]pairRow, len(pairs))
	for i, p := range pairs {
		reasons := make([]string, len(p.Reasons))
		for j, why := range p.Reasons {
			reasons[j] = reconcile.ReasonText(l, why)
		}
		rows[i] = pairRow{Score: i18n.Number(l, schema.FormatFixed(p.Score, 2)), Reasons: strings.Join(reasons, ", "),
			A: card(l, p.A, facts[p.A.ID]), B: card(l, p.B, facts[p.B.ID])}
	}
	return rows, nil
}

// facts is what a pair does not carry of a household: its poverty status
// and how many members it has.
type facts struct {
	poverty string
	members int
}

// card is h as a pair shows it, in l.
func card(l i18n.Lang, h reconcile.Household, f facts) householdCard {
	out := householdCard{Household: h, PovertyCode: f.poverty, Members: f.members,
		Poverty: i18n.T(l, "console.dups.not_recorded")}
	if f.poverty != "" {
		out.Poverty = choiceLabel(l, "households", schema.ColPovertyStatus, f.poverty)
	}
	if h.HeadSex != "" {
		out.Sex = choiceLabel(l, "households", "head_sex", h.HeadSex)
	}
	return out
}

// factsBatch bounds the ids one query of householdFacts names.
const factsBatch = 500

// householdFacts reads the poverty status and the count of members of
// the households ids.
func (c *Console) householdFacts(ctx context.Context, ids []string) (map[string]facts, error) {
	out := make(map[string]facts, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), factsBatch)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		marks := strings.TrimSuffix(strings.Repeat("?,", n), ",")
		rows, err := c.cfg.DB.SQL().QueryContext(ctx, `SELECT h.id, coalesce(h.poverty_status, ''),
			(SELECT count(*) FROM members m WHERE m.household_id = h.id)
			FROM households h WHERE h.id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read households: %w", err)
		}
		for rows.Next() {
			var id string
			var f facts
			if err := rows.Scan(&id, &f.poverty, &f.members); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read households: %w", err)
			}
			out[id] = f
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read households: %w", err)
		}
	}
	return out, nil
}
