package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Querier is what reconcile reads a Hodan database through: a *sql.DB
// (syncengine.DB.SQL()), a *sql.Tx or a *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

var _ Querier = (*sql.DB)(nil)

// Household is a household as findings show it. In JSON: id, commune,
// village_id, village (its name), household_number, head_name, head_sex,
// ethnicity_code and phone ("" when not recorded), and head_birth_year
// (null when not recorded).
type Household struct {
	ID              string `json:"id"`
	Commune         string `json:"commune"`
	VillageID       string `json:"village_id"`
	Village         string `json:"village"`
	HouseholdNumber string `json:"household_number"`
	HeadName        string `json:"head_name"`
	HeadBirthYear   *int   `json:"head_birth_year"`
	HeadSex         string `json:"head_sex"`
	EthnicityCode   string `json:"ethnicity_code"`
	Phone           string `json:"phone"`

	mergedInto string
}

const householdColumns = `id, commune_code, village_id, household_number, head_name,
	head_birth_year, head_sex, ethnicity_code, phone, merged_into,
	(SELECT name FROM villages WHERE villages.id = households.village_id)`

// loadHouseholds reads the households of communes (all when empty),
// merged ones too when withMerged, by id.
func loadHouseholds(ctx context.Context, q Querier, communes []string, withMerged bool) ([]*Household, error) {
	where, args := inCommunes("commune_code", communes)
	if !withMerged {
		where = append(where, "merged_into IS NULL")
	}
	query := "SELECT " + householdColumns + " FROM households"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("read households: %w", err)
	}
	defer rows.Close()
	var out []*Household
	for rows.Next() {
		h, err := scanHousehold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read households: %w", err)
	}
	return out, nil
}

func scanHousehold(rows *sql.Rows) (*Household, error) {
	var h Household
	var village, number, name, sex, ethnicity, phone, merged, villageName sql.NullString
	var year sql.NullInt64
	if err := rows.Scan(&h.ID, &h.Commune, &village, &number, &name, &year, &sex, &ethnicity, &phone, &merged, &villageName); err != nil {
		return nil, fmt.Errorf("read household: %w", err)
	}
	h.VillageID, h.Village, h.HouseholdNumber, h.HeadName = village.String, villageName.String, number.String, name.String
	h.HeadSex, h.EthnicityCode, h.Phone, h.mergedInto = sex.String, ethnicity.String, phone.String, merged.String
	if year.Valid {
		y := int(year.Int64)
		h.HeadBirthYear = &y
	}
	return &h, nil
}

// inCommunes is the condition that column is one of communes (none when
// communes is empty: every commune) and its arguments.
func inCommunes(column string, communes []string) ([]string, []any) {
	if len(communes) == 0 {
		return nil, nil
	}
	args := make([]any, len(communes))
	for i, c := range communes {
		args[i] = c
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(communes)), ",")
	return []string{column + " IN (" + marks + ")"}, args
}

// roots maps the id of every household in hs to the household its chain
// of merges ends at: itself when not merged; in a cycle of merges, the
// smallest id of the cycle; where the chain leaves hs (a household since
// deleted), the last household of hs on it.
func roots(hs []*Household) map[string]*Household {
	byID := make(map[string]*Household, len(hs))
	for _, h := range hs {
		byID[h.ID] = h
	}
	out := make(map[string]*Household, len(hs))
	for _, h := range hs {
		out[h.ID] = endOfChain(h, byID)
	}
	return out
}

func endOfChain(h *Household, byID map[string]*Household) *Household {
	seen := map[string]int{}
	var path []*Household
	for cur := h; ; {
		if i, ok := seen[cur.ID]; ok {
			cycle := path[i:]
			sort.Slice(cycle, func(a, b int) bool { return cycle[a].ID < cycle[b].ID })
			return cycle[0]
		}
		next, ok := byID[cur.mergedInto]
		if cur.mergedInto == "" || !ok {
			return cur
		}
		seen[cur.ID] = len(path)
		path = append(path, cur)
		cur = next
	}
}
