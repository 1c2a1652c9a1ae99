package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// Target is a year's target an operator set for one indicator, for a
// commune or for the whole server (Commune ""). Targets are the server's
// own: they are kept in its table server_targets (see Migrations), never
// synced. Setting a target again
// keeps the old value: a report as of a day reads the targets as they
// stood then.
type Target struct {
	Year      int       `json:"year"`
	Commune   string    `json:"commune"`
	Indicator string    `json:"indicator"`
	Value     float64   `json:"value"`
	SetAt     time.Time `json:"set_at"`
}

// Progress is how far an area got towards a target: the plan, what was
// done from the start of the year to the end of the period, and done ÷
// plan × 100. A figure without a value is nil.
type Progress struct {
	Indicator string
	Plan      *float64
	Done      *float64
	Percent   *float64
}

// Migrations create the targets' table in the server's database; the
// server applies them after the domain's and the registry's.
func Migrations() []syncengine.Migration {
	return []syncengine.Migration{{Name: "server/targets_0001", Up: createTargets}}
}

func createTargets(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
-- The year's targets operators set, per commune ('' for the whole server)
-- and indicator (a key of the indicators catalogue). Setting a target
-- again adds a row: a report as of a day reads the last value set by
-- then (TargetsAsOf).
CREATE TABLE server_targets (
	year      INTEGER NOT NULL,
	commune   TEXT    NOT NULL,
	indicator TEXT    NOT NULL,
	value     REAL    NOT NULL CHECK (value >= 0),
	set_at    INTEGER NOT NULL, -- Unix milliseconds
	PRIMARY KEY (year, commune, indicator, set_at)
) STRICT;`)
	if err != nil {
		return fmt.Errorf("create server_targets: %w", err)
	}
	return nil
}

// Querier is what a report reads a database through: a *sql.DB, *sql.Tx
// or *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SetTargets sets the targets of commune ("" for the whole server) for
// year: values maps each indicator's key (see Targetable) to its target.
// at is when they are set.
func SetTargets(ctx context.Context, db *syncengine.DB, year int, commune string, values map[string]float64, at time.Time) error {
	if err := checkTargets(year, commune, values); err != nil {
		return err
	}
	return db.Exec(ctx, func(tx *sql.Tx) error {
		for key, v := range values {
			_, err := tx.ExecContext(ctx, `INSERT INTO server_targets (year, commune, indicator, value, set_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, commune, indicator, set_at) DO UPDATE SET value = excluded.value`,
				year, commune, key, v, at.UnixMilli())
			if err != nil {
				return fmt.Errorf("set target %s: %w", key, err)
			}
		}
		return nil
	})
}

func checkTargets(year int, commune string, values map[string]float64) error {
	if year < 2000 || year > 2100 {
		return &FieldError{Field: "year", Err: i18n.Errorf("target.error.year", year)}
	}
	if _, ok := schema.CommuneByCode(commune); commune != "" && !ok {
		return &FieldError{Field: "commune", Err: i18n.Errorf("target.error.commune", commune)}
	}
	if len(values) == 0 {
		return &FieldError{Err: i18n.Errorf("target.error.none")}
	}
	for _, ind := range Targetable() {
		if v, ok := values[ind.Key]; ok {
			if err := CheckTarget(ind, v); err != nil {
				return &FieldError{Field: ind.Key, Err: err}
			}
		}
	}
	for key := range values {
		if ind, ok := ByKey(key); !ok || ind.TargetFlag == "" {
			return &FieldError{Field: key, Err: i18n.Errorf("target.error.unknown", key)}
		}
	}
	return nil
}

// CheckTarget refuses a value that cannot be a target of ind: a negative
// one, a rate's above 100.
func CheckTarget(ind *Indicator, v float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return i18n.Errorf("target.error.negative")
	}
	if (ind.Unit == Percent || ind.Unit == Points) && v > 100 {
		return i18n.Errorf("target.error.over_100")
	}
	return nil
}

// ReadTarget reads a target of ind typed as Vietnamese write numbers (see
// package schema): a whole number for a count (170, 1.500), a decimal
// for a rate or points (6,5), and checks it (CheckTarget).
func ReadTarget(ind *Indicator, s string) (float64, error) {
	var n float64
	var err error
	if ind.Unit == Percent || ind.Unit == Points {
		n, err = schema.ParseDecimal(s)
	} else {
		var whole int64
		whole, err = schema.ParseWhole(s)
		n = float64(whole)
	}
	if err != nil {
		return 0, i18n.Errorf("target.error.number", s)
	}
	return n, CheckTarget(ind, n)
}

// TargetsAsOf returns the targets for year (all years when 0) as they
// stood at until (Unix milliseconds): the last value set at or before it
// for each commune and indicator, by year, commune and indicator.
func TargetsAsOf(ctx context.Context, q Querier, year int, until int64) ([]Target, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.year, t.commune, t.indicator, t.value, t.set_at FROM server_targets t
		WHERE (? = 0 OR t.year = ?) AND t.set_at = (SELECT max(set_at) FROM server_targets l
			WHERE l.year = t.year AND l.commune = t.commune AND l.indicator = t.indicator AND l.set_at <= ?)
		ORDER BY t.year, t.commune, t.indicator`, year, year, until)
	if err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		var at int64
		if err := rows.Scan(&t.Year, &t.Commune, &t.Indicator, &t.Value, &at); err != nil {
			return nil, fmt.Errorf("read targets: %w", err)
		}
		t.SetAt = time.UnixMilli(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// progress adds to every area its progress towards its targets: done is
// the indicator from the start of the year to the end of the period.
func (c *computation) progress(ctx context.Context, targets []Target) error {
	if len(targets) == 0 {
		return nil
	}
	done, err := c.yearToDate(ctx)
	if err != nil {
		return err
	}
	plans := map[string]map[string]float64{} // commune → indicator → plan
	for _, t := range targets {
		if plans[t.Commune] == nil {
			plans[t.Commune] = map[string]float64{}
		}
		plans[t.Commune][t.Indicator] = t.Value
	}
	for i := range c.r.Communes {
		a := &c.r.Communes[i]
		a.Targets = progressOf(plans[a.Commune], done[a.Commune])
	}
	c.r.Total.Targets = progressOf(c.totalPlans(plans), done[""])
	return nil
}

// totalPlans are the plans of the total: the whole server's own target
// in a report of every commune, else, for a count, the sum of the
// communes' when every commune reported has one.
func (c *computation) totalPlans(plans map[string]map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, ind := range Targetable() {
		if v, ok := plans[""][ind.Key]; ok && len(c.p.Communes) == 0 {
			out[ind.Key] = v
			continue
		}
		if ind.Formula != Sum || len(c.r.Communes) == 0 {
			continue
		}
		sum, all := 0.0, true
		for _, a := range c.r.Communes {
			v, ok := plans[a.Commune][ind.Key]
			sum, all = sum+v, all && ok
		}
		if all {
			out[ind.Key] = sum
		}
	}
	return out
}

// progressOf is the progress of one area towards plans, given what it did.
func progressOf(plans map[string]float64, done map[string]*float64) []Progress {
	var out []Progress
	for _, ind := range Targetable() {
		plan, ok := plans[ind.Key]
		if !ok {
			continue
		}
		p := Progress{Indicator: ind.Key, Plan: &plan, Done: done[ind.Key]}
		if p.Done != nil && plan > 0 {
			pct := 100 * *p.Done / plan
			p.Percent = &pct
		}
		out = append(out, p)
	}
	return out
}

// yearToDate returns the targetable indicators' figures from the start of
// the year to the end of the period, by commune ("" for the total).
func (c *computation) yearToDate(ctx context.Context) (map[string]map[string]*float64, error) {
	figures := func(a Area) map[string]*float64 { return a.Figures }
	inds := Targetable()
	results := c.results
	if from := c.p.Period.yearStart(); !from.Equal(c.p.Period.From) {
		v, err := c.view(ctx, from)
		if err != nil {
			return nil, err
		}
		results, err = query(ctx, v, inds, c.args(from), len(c.p.Communes) > 0)
		v.close()
		if err != nil {
			return nil, err
		}
	}
	out := map[string]map[string]*float64{}
	for _, a := range c.r.Communes {
		out[a.Commune] = figures(c.area(a.Commune, "", inds, results.of(a.Commune)))
	}
	out[""] = figures(c.area("", "", inds, results.of(c.communeCodes()...)))
	return out, nil
}

// communeCodes are the codes of the communes reported.
func (c *computation) communeCodes() []string {
	out := make([]string, len(c.r.Communes))
	for i, a := range c.r.Communes {
		out[i] = a.Commune
	}
	return slices.Clip(out)
}
