package indicators

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// Params are what a report is of.
type Params struct {
	Period Period
	// AsOf is the day the data is as of: only what the server had received
	// by the end of it counts. Zero: now, the current data.
	AsOf time.Time
	// Now is the wall clock.
	Now time.Time
	// Communes, if set, are the communes reported; else every commune
	// with records, a target or an enrolled laptop.
	Communes []string
	// Devices are the laptops enrolled with the server, for the data's
	// freshness.
	Devices []Device
	// Counters compute the Counted indicators, by key; an indicator
	// without one is left out. They read the current data: a report as of
	// a past day leaves them out.
	Counters map[string]Counter
	// TempDir is where the states are written; "" is the system's.
	TempDir string
	// Only, if set, are the keys of the indicators to compute (a chart of
	// one figure over time); the others, targets among them, are left out.
	Only []string
}

// Counter counts, for each of communes (all when none), what a Counted
// indicator counts, in the current data.
type Counter func(ctx context.Context, communes []string) (map[string]float64, error)

// Report is the programme's indicators for a period, per commune and in
// total.
type Report struct {
	Period Period
	// AsOf is the as-of day, or Now for a report of the current data
	// (Current).
	AsOf       time.Time
	Current    bool
	Indicators []*Indicator // those computed, in the catalogue's order
	Communes   []Area
	Total      Area
	Devices    []DeviceStatus
}

// Area is the figures of one commune, or the total of all (Commune "").
type Area struct {
	Commune string
	Name    string
	// Figures holds each single-figure indicator's figure by key; nil when
	// it has none (a rate of no households).
	Figures map[string]*float64
	// Tables holds each breakdown's rows by key, ordered by dimensions.
	Tables  map[string][]Row
	Targets []Progress
}

// Row is one line of a breakdown: its dimensions' values and its values.
type Row struct {
	Dims   []string
	Values []float64
}

// Compute makes the report p asks for from the server's database db.
func Compute(ctx context.Context, db *syncengine.DB, p Params) (*Report, error) {
	r := &Report{Period: p.Period, AsOf: p.AsOf, Current: p.AsOf.IsZero()}
	until := p.Now.UnixMilli()
	if !r.Current {
		until = EndOfDay(p.AsOf)
	} else {
		r.AsOf = p.Now
	}
	states, err := newStateSet(db, p.TempDir, until, p.Communes)
	if err != nil {
		return nil, err
	}
	defer states.close()
	c := &computation{p: p, r: r, db: db, states: states}
	if err := c.run(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// computation is one report being made.
type computation struct {
	p       Params
	r       *Report
	db      *syncengine.DB
	states  *stateSet
	results results
}

// results holds each indicator's rows by commune.
type results map[string]map[string][]Row

// of gives an indicator's rows in communes, together.
func (rs results) of(communes ...string) func(*Indicator) []Row {
	return func(ind *Indicator) []Row {
		var all []Row
		for _, c := range communes {
			all = append(all, rs[ind.Key][c]...)
		}
		return all
	}
}

func (c *computation) run(ctx context.Context) error {
	c.r.Indicators = c.indicators()
	v, err := c.view(ctx, c.p.Period.From)
	if err != nil {
		return err
	}
	c.results, err = query(ctx, v, c.r.Indicators, c.args(c.p.Period.From), len(c.p.Communes) > 0)
	v.close()
	if err != nil {
		return err
	}
	if err := c.count(ctx); err != nil {
		return err
	}
	var targets []Target
	if len(c.p.Only) == 0 {
		if targets, err = TargetsAsOf(ctx, c.db.SQL(), c.p.Period.To.Year(), c.states.until); err != nil {
			return err
		}
	}
	for _, commune := range c.communes(targets) {
		c.r.Communes = append(c.r.Communes, c.area(commune, schema.CommuneName(commune), c.r.Indicators, c.results.of(commune)))
	}
	c.r.Total = c.area("", "Tổng số", c.r.Indicators, c.results.of(c.communeCodes()...))
	if err := c.progress(ctx, targets); err != nil {
		return err
	}
	return c.devices(ctx)
}

// indicators are the catalogue's (those of Only, if set), less the
// Counted ones without a counter or in a report of a past day.
func (c *computation) indicators() []*Indicator {
	var out []*Indicator
	for _, ind := range Catalogue() {
		if len(c.p.Only) > 0 && !slices.Contains(c.p.Only, ind.Key) {
			continue
		}
		if !ind.Counted || (c.r.Current && c.p.Counters[ind.Key] != nil) {
			out = append(out, ind)
		}
	}
	return out
}

// view opens the state as of the report's day, with the households as
// recorded by the end of the day before from and by 31/12 of the year
// before. A report of the current data reads the live tables of a SQLite
// store.
func (c *computation) view(ctx context.Context, from time.Time) (*view, error) {
	main := c.db.Path()
	// A PostgreSQL store's live tables are not SQLite's: the current data
	// is read, as a past day's, from the state of everything taken by now.
	if !c.r.Current || c.db.Postgres() {
		var err error
		if main, err = c.states.full(ctx, 0); err != nil {
			return nil, err
		}
	}
	start, err := c.states.households(ctx, EndOfDay(dayBefore(from)))
	if err != nil {
		return nil, err
	}
	yearEnd, err := c.states.households(ctx, EndOfDay(dayBefore(c.p.Period.yearStart())))
	if err != nil {
		return nil, err
	}
	return openView(ctx, main, map[string]string{"period_start": start, "year_end": yearEnd})
}

// args are the queries' parameters for the period from from to the
// period's end.
func (c *computation) args(from time.Time) []any {
	communes, _ := json.Marshal(c.p.Communes)
	return []any{sql.Named("from", isoDate(from)), sql.Named("to", isoDate(c.p.Period.To)),
		sql.Named("year_from", isoDate(c.p.Period.yearStart())), sql.Named("communes", string(communes))}
}

// query runs the queries of inds on v and returns their rows; filtered
// keeps the rows of the communes of the parameter :communes.
func query(ctx context.Context, v *view, inds []*Indicator, args []any, filtered bool) (results, error) {
	out := results{}
	for _, ind := range inds {
		if ind.Counted {
			continue
		}
		q := ind.Query
		if filtered {
			q = `SELECT * FROM (` + q + `) WHERE commune_code IN (SELECT value FROM json_each(:communes))`
		}
		rows, err := queryRows(ctx, v.conn, q, len(ind.Dims), ind.width(), args)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", ind.Key, err)
		}
		out[ind.Key] = rows
	}
	return out, nil
}

// queryRows runs q and returns its rows, by commune: each a commune code,
// dims dimensions and width values.
func queryRows(ctx context.Context, conn *sql.Conn, q string, dims, width int, args []any) (map[string][]Row, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]Row{}
	for rows.Next() {
		var commune string
		texts := make([]sql.NullString, dims)
		r := Row{Dims: make([]string, dims), Values: make([]float64, width)}
		dest := []any{&commune}
		for i := range texts {
			dest = append(dest, &texts[i])
		}
		for i := range r.Values {
			dest = append(dest, &r.Values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, t := range texts {
			r.Dims[i] = t.String
		}
		out[commune] = append(out[commune], r)
	}
	return out, rows.Err()
}

// count runs the counters of the Counted indicators.
func (c *computation) count(ctx context.Context) error {
	for _, ind := range c.r.Indicators {
		if !ind.Counted {
			continue
		}
		counts, err := c.p.Counters[ind.Key](ctx, c.p.Communes)
		if err != nil {
			return fmt.Errorf("report: %s: %w", ind.Key, err)
		}
		byCommune := map[string][]Row{}
		for commune, n := range counts {
			byCommune[commune] = []Row{{Values: []float64{n}}}
		}
		c.results[ind.Key] = byCommune
	}
	return nil
}

// communes are the communes reported: those asked for, else every one
// with a figure, a target or an enrolled laptop, by code.
func (c *computation) communes(targets []Target) []string {
	out := slices.Clone(c.p.Communes)
	if len(out) == 0 {
		for _, byCommune := range c.results {
			for commune := range byCommune {
				out = append(out, commune)
			}
		}
		for _, t := range targets {
			if t.Commune != "" {
				out = append(out, t.Commune)
			}
		}
		for _, d := range c.p.Devices {
			if d.enrolledBy(c.states.until) {
				out = append(out, d.Communes...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// area makes the figures of inds in one commune, or in all, from rows,
// which gives an indicator's rows there.
func (c *computation) area(code, name string, inds []*Indicator, rows func(*Indicator) []Row) Area {
	a := Area{Commune: code, Name: name, Figures: map[string]*float64{}, Tables: map[string][]Row{}}
	for _, ind := range inds {
		merged := mergeRows(rows(ind), ind.width())
		if ind.breakdown() {
			a.Tables[ind.Key] = merged
			continue
		}
		values := make([]float64, ind.width())
		if len(merged) == 1 {
			values = merged[0].Values
		}
		a.Figures[ind.Key] = ind.figure(values)
	}
	return a
}

// mergeRows sums the values of rows with the same dimensions, and orders
// the result by dimensions.
func mergeRows(rows []Row, width int) []Row {
	byDims := map[string]*Row{}
	var keys []string
	for _, r := range rows {
		k := strings.Join(r.Dims, "\x00")
		m, ok := byDims[k]
		if !ok {
			m = &Row{Dims: r.Dims, Values: make([]float64, width)}
			byDims[k] = m
			keys = append(keys, k)
		}
		for i, v := range r.Values {
			m.Values[i] += v
		}
	}
	slices.Sort(keys)
	out := make([]Row, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byDims[k])
	}
	return out
}
