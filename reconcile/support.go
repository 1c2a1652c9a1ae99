package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Period is how often a kind of support may be given to one household.
type Period string

// The periods; see the package documentation for which kind has which.
const (
	Ever Period = "ever" // once in the household's life
	Year Period = "year" // once a calendar year
)

// periods maps each kind of support that is checked to its period.
var periods = map[string]Period{
	"new_house":         Ever,
	"house_repair":      Ever,
	"residential_land":  Ever,
	"production_land":   Ever,
	"distributed_water": Ever,
	"livelihood":        Year,
	"preferential_loan": Year,
	"health_insurance":  Year,
}

// PeriodOf is the period of a kind of support, and false for kinds that
// may be given any number of times (gift, training).
func PeriodOf(kind string) (Period, bool) {
	p, ok := periods[kind]
	return p, ok
}

// The types of Overlap.
const (
	CrossProgram = "cross_program" // one kind from two or more programs
	Repeat       = "repeat"        // one kind twice from one program
)

// SupportRecord is a support record as a finding shows it. In JSON: id;
// household_id, the household it was recorded under (a merged household
// for records that count under the one it went into); program,
// project_code, kind, status; date, its delivered_date else planned_date,
// and both of those; amount_vnd, null when not recorded. Text values not
// recorded are "".
type SupportRecord struct {
	ID            string `json:"id"`
	HouseholdID   string `json:"household_id"`
	Program       string `json:"program"`
	ProjectCode   string `json:"project_code"`
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Date          string `json:"date"`
	PlannedDate   string `json:"planned_date"`
	DeliveredDate string `json:"delivered_date"`
	AmountVND     *int64 `json:"amount_vnd"`
}

// Overlap is one household given one kind of support more often than its
// period allows. In JSON: type (cross_program or repeat); kind; period
// ("ever" or "year"); year, the calendar year for a yearly kind, else 0;
// household, the household the records count under; programs, the
// distinct programs, sorted; records, by date then id; total_vnd, the sum
// of the amounts recorded.
type Overlap struct {
	Type      string          `json:"type"`
	Kind      string          `json:"kind"`
	Period    Period          `json:"period"`
	Year      int             `json:"year"`
	Household Household       `json:"household"`
	Programs  []string        `json:"programs"`
	Records   []SupportRecord `json:"records"`
	TotalVND  int64           `json:"total_vnd"`
}

// SupportOverlaps returns the overlapping support of the households of
// communes (every commune when empty) ordered by commune, household,
// kind and year. When year is not 0, only records dated in that year are
// considered. See the package documentation for the rules. The result is
// never nil.
func SupportOverlaps(ctx context.Context, q Querier, year int, communes []string) ([]Overlap, error) {
	hs, err := loadHouseholds(ctx, q, communes, true)
	if err != nil {
		return nil, err
	}
	root := roots(hs)
	records, err := receivedSupport(ctx, q, communes)
	if err != nil {
		return nil, err
	}
	type key struct {
		household, kind string
		year            int
	}
	groups := map[key][]SupportRecord{}
	for _, r := range records {
		y, dated := recordYear(r)
		if year != 0 && y != year {
			continue
		}
		h, ok := root[r.HouseholdID]
		if !ok {
			continue // its household is deleted
		}
		k := key{household: h.ID, kind: r.Kind}
		if periods[r.Kind] == Year {
			if !dated {
				continue // no year to count it in
			}
			k.year = y
		}
		groups[k] = append(groups[k], r)
	}
	out := []Overlap{}
	for k, rs := range groups {
		if len(rs) > 1 {
			out = append(out, newOverlap(*root[k.household], k.kind, k.year, rs))
		}
	}
	sortOverlaps(out)
	return out, nil
}

// receivedSupport reads the support records of communes' households that
// count as received, of the kinds that are checked.
func receivedSupport(ctx context.Context, q Querier, communes []string) ([]SupportRecord, error) {
	where, args := inCommunes("h.commune_code", communes)
	kinds := make([]string, 0, len(periods))
	for k := range periods {
		kinds = append(kinds, k)
		args = append(args, k)
	}
	where = append(where, "s.kind IN ("+strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",")+")",
		"(s.status IN ('delivered', 'accepted') OR (s.status IS NULL AND s.delivered_date IS NOT NULL))")
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.household_id, s.program, s.project_code, s.kind,
	s.status, s.planned_date, s.delivered_date, s.amount_vnd
FROM support_records s JOIN households h ON h.id = s.household_id
WHERE `+strings.Join(where, " AND ")+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read support records: %w", err)
	}
	defer rows.Close()
	var out []SupportRecord
	for rows.Next() {
		var r SupportRecord
		var program, project, status, planned, delivered sql.NullString
		var amount sql.NullInt64
		if err := rows.Scan(&r.ID, &r.HouseholdID, &program, &project, &r.Kind, &status, &planned, &delivered, &amount); err != nil {
			return nil, fmt.Errorf("read support record: %w", err)
		}
		r.Program, r.ProjectCode, r.Status = program.String, project.String, status.String
		r.PlannedDate, r.DeliveredDate = planned.String, delivered.String
		r.Date = r.DeliveredDate
		if r.Date == "" {
			r.Date = r.PlannedDate
		}
		if amount.Valid {
			r.AmountVND = &amount.Int64
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read support records: %w", err)
	}
	return out, nil
}

// recordYear is the calendar year of r's date, if it has one.
func recordYear(r SupportRecord) (int, bool) {
	if len(r.Date) < 4 {
		return 0, false
	}
	y, err := strconv.Atoi(r.Date[:4])
	return y, err == nil
}

func newOverlap(h Household, kind string, year int, rs []SupportRecord) Overlap {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Date != rs[j].Date {
			return rs[i].Date < rs[j].Date
		}
		return rs[i].ID < rs[j].ID
	})
	o := Overlap{Type: Repeat, Kind: kind, Period: periods[kind], Year: year, Household: h, Records: rs}
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Program] {
			seen[r.Program] = true
			o.Programs = append(o.Programs, r.Program)
		}
		if r.AmountVND != nil {
			o.TotalVND += *r.AmountVND
		}
	}
	sort.Strings(o.Programs)
	if len(o.Programs) > 1 {
		o.Type = CrossProgram
	}
	return o
}

func sortOverlaps(os []Overlap) {
	sort.Slice(os, func(i, j int) bool {
		a, b := os[i], os[j]
		switch {
		case a.Household.Commune != b.Household.Commune:
			return a.Household.Commune < b.Household.Commune
		case a.Household.ID != b.Household.ID:
			return a.Household.ID < b.Household.ID
		case a.Kind != b.Kind:
			return a.Kind < b.Kind
		}
		return a.Year < b.Year
	})
}
