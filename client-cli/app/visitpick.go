package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/schema/forms"
)

// visitHousehold is the household a visit is for, as the flow shows it.
type visitHousehold struct {
	id, head, number, village, commune string
}

func (h visitHousehold) describe() string {
	parts := []string{h.head}
	for _, s := range []string{h.village, h.number} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return ops.SafeText(strings.Join(parts, ", "))
}

// visitMember is a member of the visited household.
type visitMember struct {
	id, name, relation string
	birthYear          int64
}

// maxMatches is how many households a search lists; more asks for more
// of the name.
const maxMatches = 15

// household finds the household: by id if given, else by part of the
// head's name, typed with or without diacritics.
func (fl *visitFlow) household(ctx context.Context, id string) (visitHousehold, error) {
	all, err := fl.households(ctx)
	if err != nil {
		return visitHousehold{}, err
	}
	if id != "" {
		rid, err := ops.ResolveID(fl.db.SQL(), schema.Households, id)
		if err != nil {
			return visitHousehold{}, err
		}
		for _, h := range all {
			if h.id == rid.String() {
				return h, nil
			}
		}
		return visitHousehold{}, fl.a.Errorf("visit.no_household", id)
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
	for {
		text, err := fl.line()
		if err != nil {
			return visitHousehold{}, err
		}
		if h, ok, err := fl.searchOnce(all, text); err != nil || ok {
			return h, err
		}
	}
}

// searchOnce lists the households whose head's name holds text and lets
// the officer pick one; ok is false when the officer should search again.
func (fl *visitFlow) searchOnce(all []visitHousehold, text string) (visitHousehold, bool, error) {
	needle := reconcile.Fold(text)
	if needle == "" {
		fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
		return visitHousehold{}, false, nil
	}
	var found []visitHousehold
	for _, h := range all {
		if strings.Contains(reconcile.Fold(h.head), needle) {
			found = append(found, h)
		}
	}
	switch {
	case len(found) == 0:
		fmt.Fprintln(fl.out, fl.a.T("visit.search.none", text))
		return visitHousehold{}, false, nil
	case len(found) > maxMatches:
		fmt.Fprintln(fl.out, fl.a.T("visit.search.too_many", len(found), text))
		return visitHousehold{}, false, nil
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.found", len(found)))
	for i, h := range found {
		fmt.Fprintf(fl.out, "  %2d. %s\n", i+1, h.describe())
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.pick", len(found)))
	n, again, err := fl.pick(len(found))
	if again {
		fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
	}
	if err != nil || again {
		return visitHousehold{}, false, err
	}
	return found[n], true, nil
}

// pick reads a number from 1 to n and returns it less one; again is true
// when the officer typed "<" to start over.
func (fl *visitFlow) pick(n int) (int, bool, error) {
	for {
		text, err := fl.line()
		if err != nil {
			return 0, false, err
		}
		if text == "<" {
			return 0, true, nil
		}
		if k, err := strconv.Atoi(text); err == nil && k >= 1 && k <= n {
			return k - 1, false, nil
		}
		fmt.Fprintln(fl.out, fl.a.T("visit.pick.bad", text, n))
	}
}

// households lists the live households of the laptop's communes.
func (fl *visitFlow) households(ctx context.Context) ([]visitHousehold, error) {
	rows, err := fl.db.SQL().QueryContext(ctx, `
SELECT h.id, h.head_name, COALESCE(h.household_number, ''), COALESCE(v.name, ''), h.commune_code
FROM households h LEFT JOIN villages v ON v.id = h.village_id
WHERE h.merged_into IS NULL ORDER BY h.head_name, h.id`)
	if err != nil {
		return nil, fmt.Errorf("list households: %w", err)
	}
	defer rows.Close()
	var out []visitHousehold
	for rows.Next() {
		var h visitHousehold
		if err := rows.Scan(&h.id, &h.head, &h.number, &h.village, &h.commune); err != nil {
			return nil, fmt.Errorf("read households: %w", err)
		}
		if fl.dev.Actor().InScope(h.commune) {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}

// members lists the household's members, oldest first.
func (fl *visitFlow) members(ctx context.Context, household string) ([]visitMember, error) {
	rows, err := fl.db.SQL().QueryContext(ctx, `
SELECT id, full_name, COALESCE(relation, ''), COALESCE(birth_year, 0) FROM members
WHERE household_id = ? ORDER BY COALESCE(birth_year, 9999), id`, household)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []visitMember
	for rows.Next() {
		var m visitMember
		if err := rows.Scan(&m.id, &m.name, &m.relation, &m.birthYear); err != nil {
			return nil, fmt.Errorf("read members: %w", err)
		}
		m.name = ops.SafeText(m.name) // shown, never written back
		out = append(out, m)
	}
	return out, rows.Err()
}

// pickForm returns the form named by id, or lets the officer pick one.
func (fl *visitFlow) pickForm(id string) (*forms.Form, error) {
	latest := fl.forms.Latest()
	if id != "" {
		if f, ok := fl.forms.ByID(id); ok {
			return f, nil
		}
		var ids []string
		for _, f := range latest {
			ids = append(ids, f.ID)
		}
		return nil, fl.a.Errorf("visit.no_form", id, strings.Join(ids, ", "))
	}
	fmt.Fprintln(fl.out, "\n"+fl.a.T("visit.form.prompt"))
	for i, f := range latest {
		fmt.Fprintf(fl.out, "  %d. %s\n", i+1, f.Title.In(fl.lang()))
	}
	for {
		n, again, err := fl.pick(len(latest))
		if err != nil {
			return nil, err
		}
		if !again {
			return latest[n], nil
		}
		fmt.Fprintln(fl.out, fl.a.T("visit.form.prompt"))
	}
}

// memberID maps what the officer typed for a member question, a number
// in the list, to the member's id.
func (v *visitAnswers) memberID(text string) (string, bool) {
	if k, err := strconv.Atoi(text); err == nil && k >= 1 && k <= len(v.members) {
		return v.members[k-1].id, true
	}
	if _, err := uuid.Parse(text); err == nil {
		for _, m := range v.members {
			if m.id == text {
				return text, true
			}
		}
	}
	return "", false
}
