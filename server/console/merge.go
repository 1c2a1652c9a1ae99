package console

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/server/accounts"
)

// mergePlan is what the confirmation of a merge shows before anything is
// written: the pair, which household stays and which goes into it, and
// how many records of the one that goes move to the one that stays.
type mergePlan struct {
	Pair       pairRow
	Keep, Drop householdCard
	Records    int
}

// mergePage asks the operator to confirm merging one household of a
// listed pair into the other: ?a= and ?b= name the pair, ?keep= the one
// to keep.
func (c *Console) mergePage(w http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	keep, drop := q.Get("keep"), ""
	switch keep {
	case "":
		return &problem{status: http.StatusBadRequest, key: "console.dups.choose"}
	case q.Get("a"):
		drop = q.Get("b")
	case q.Get("b"):
		drop = q.Get("a")
	default:
		return &problem{status: http.StatusBadRequest, key: "console.dups.choose"}
	}
	plan, err := c.plan(r.Context(), v, keep, drop)
	if err != nil || plan == nil {
		return c.pairGone(w, r, err)
	}
	return c.render(w, r, http.StatusOK, "merge", "/duplicates", plan)
}

// merge merges the household drop into keep, a pair listed for the
// operator, with the operation laptops run (ops.MergeHouseholds) on the
// server's database: the merge and the settling after it are changes the
// server writes, and laptops pull them at their next sync.
func (c *Console) merge(w http.ResponseWriter, r *http.Request, v *visit) error {
	keep, drop := r.PostFormValue("keep"), r.PostFormValue("drop")
	if keep == "" || drop == "" {
		return &problem{status: http.StatusBadRequest, key: "console.dups.choose"}
	}
	plan, err := c.plan(r.Context(), v, keep, drop)
	if err != nil || plan == nil {
		return c.pairGone(w, r, err)
	}
	logged := func(tx *sql.Tx, m ops.Merged) error {
		return c.cfg.Accounts.RecordMergeTx(r.Context(), tx, actor(r, v), m.Kept.String(), accounts.HouseholdMerge{
			Commune: plan.Keep.Commune, Dropped: m.Dropped.String(), Moved: m.Moved, Changes: m.Changes,
			KeptHead: plan.Keep.HeadName, KeptNumber: plan.Keep.HouseholdNumber,
			DroppedHead: plan.Drop.HeadName, DroppedNumber: plan.Drop.HouseholdNumber})
	}
	m, err := ops.MergeHouseholdsLogged(r.Context(), c.cfg.DB, opsActor(v), keep, drop, logged)
	if err != nil {
		if text, ok := ops.ExplainKnown(v.lang, err); ok {
			return c.redirect(w, r, "/duplicates", flash{Key: "console.flash.merge_failed", Args: []string{strings.TrimSuffix(text, ".")}})
		}
		return err
	}
	return c.redirect(w, r, "/duplicates", flash{OK: true, Key: "console.flash.merged", Args: []string{
		householdLabel(v.lang, plan.Drop.Household), householdLabel(v.lang, plan.Keep.Household), strconv.Itoa(m.Moved)}})
}

// pairGone ends a request about a pair that is no longer listed (err
// nil): back to the list, saying so; or answers err.
func (c *Console) pairGone(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil {
		return err
	}
	return c.redirect(w, r, "/duplicates", flash{Key: "console.flash.pair_gone"})
}

// plan finds the pair of keep and drop among the operator's pairs and
// says what merging drop into keep does; nil when they are no longer a
// pair (one merged since, or edited apart). An id of no household is
// 404, one of a commune outside the operator's 403: nothing is read of
// it.
func (c *Console) plan(ctx context.Context, v *visit, keep, drop string) (*mergePlan, error) {
	if keep == drop {
		return nil, nil
	}
	var communes [2]string
	for i, id := range []string{keep, drop} {
		commune, err := c.householdCommune(ctx, id)
		if err != nil {
			return nil, err
		}
		if !v.user().Sees(commune) {
			return nil, forbid("console.refused.commune")
		}
		communes[i] = commune
	}
	if communes[0] != communes[1] {
		return nil, nil // pairs are of one commune
	}
	// The pairs of that commune alone: the same pairs, found faster.
	who := opsActor(v)
	who.Communes = communes[:1]
	pairs, err := ops.Duplicates(ctx, c.cfg.DB, who, 0)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if (p.A.ID != keep || p.B.ID != drop) && (p.A.ID != drop || p.B.ID != keep) {
			continue
		}
		rows, err := c.pairRows(ctx, v.lang, []reconcile.Pair{p})
		if err != nil {
			return nil, err
		}
		plan := &mergePlan{Pair: rows[0], Keep: rows[0].A, Drop: rows[0].B}
		if p.A.ID == drop {
			plan.Keep, plan.Drop = plan.Drop, plan.Keep
		}
		plan.Records, err = c.householdRecords(ctx, drop)
		return plan, err
	}
	return nil, nil
}

// householdCommune is the commune of the household id, merged or not;
// 404 for no household.
func (c *Console) householdCommune(ctx context.Context, id string) (string, error) {
	var commune string
	err := c.cfg.DB.SQL().QueryRowContext(ctx, `SELECT commune_code FROM households WHERE id = ?`, id).Scan(&commune)
	if errors.Is(err, sql.ErrNoRows) {
		return "", missing("console.dups.unknown")
	}
	if err != nil {
		return "", fmt.Errorf("read household: %w", err)
	}
	return commune, nil
}

// householdRecords counts the records of the household id: those of
// every table whose records belong to a household (members, visits,
// support, damage), which a merge moves.
func (c *Console) householdRecords(ctx context.Context, id string) (int, error) {
	total := 0
	for _, t := range schema.Tables() {
		if t.ParentTable != schema.Households.Name {
			continue
		}
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE "%s" = ?`, t.Name, t.ParentColumn) // names of the schema
		if err := c.cfg.DB.SQL().QueryRowContext(ctx, q, id).Scan(&n); err != nil {
			return 0, fmt.Errorf("count the records of a household: %w", err)
		}
		total += n
	}
	return total, nil
}

// householdLabel names a household for people in l: its head and its
// number.
func householdLabel(l i18n.Lang, h reconcile.Household) string {
	name := h.HeadName
	if name == "" {
		name = i18n.T(l, "console.dups.no_name")
	}
	if h.HouseholdNumber == "" {
		return name
	}
	return name + " (" + strings.TrimSpace(i18n.T(l, "console.support.number", h.HouseholdNumber)) + ")"
}
