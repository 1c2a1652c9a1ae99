package indicators

import (
	"fmt"
	"slices"

	"hodan/internal/i18n"
)

// Indicator is one figure the programme reports, defined once: its name
// and definition for people, and the one SQL query that computes it from
// the domain tables.
//
// The query's result has one row per commune and combination of Dims: a
// first column commune_code, then the Dims, then the Values, in order.
// Its named parameters are :from and :to (the period's first and last day,
// as the tables write dates: 2025-12-31) and :year_from (the first day of
// the year the period ends in). Unqualified tables are the state as of
// the report's day; period_start.households and year_end.households are
// the households as recorded by the end of the day before the period and
// by 31/12 of the year before (see the package documentation).
type Indicator struct {
	Key          string // stable: a JSON key, a target's name
	Name, NameEN string
	// Definition says what is counted, in Vietnamese; DefinitionEN in
	// English.
	Definition, DefinitionEN string
	// Basis is where the definition comes from: the programme's texts, or
	// the project's INDICATORS.md where none was read.
	Basis   string
	Unit    Unit
	Section Section
	Formula Formula
	Dims    []Column // a breakdown's columns; none for one figure a commune
	Values  []Column // for a breakdown; a single figure's values are unnamed
	Query   string
	// Counted marks an indicator that is not a query but a Counter the
	// caller passes (Params.Counters), computed on the live state only.
	Counted bool
	// TargetFlag, if set, is the flag of `hodan-server target set` that
	// sets this indicator's yearly target.
	TargetFlag string
	// Summary puts the indicator on the summary sheet too.
	Summary bool
}

// Unit is what a figure counts.
type Unit string

// The units of figures.
const (
	Households Unit = "households" // hộ
	People     Unit = "people"     // người
	Percent    Unit = "percent"    // %
	Points     Unit = "points"     // điểm phần trăm
	Dong       Unit = "dong"       // đồng
	Records    Unit = "records"    // lượt, bản ghi
	Quantity   Unit = "quantity"   // in the records' own units
)

// UnitLabel is the unit as a report in l writes it: hộ, households.
func UnitLabel(l i18n.Lang, u Unit) string { return i18n.T(l, "report.unit."+string(u)) }

// Section is the part of the periodic report an indicator belongs to.
type Section string

// The sections, in the report's order.
const (
	Poverty  Section = "poverty"   // nghèo
	Support  Section = "support"   // hỗ trợ
	Prestige Section = "prestige"  // người có uy tín
	Disaster Section = "disaster"  // thiên tai
	Health   Section = "health"    // bảo hiểm y tế
	Fresh    Section = "freshness" // cập nhật dữ liệu
)

// Sections lists the sections, in the report's order.
func Sections() []Section { return []Section{Poverty, Support, Prestige, Disaster, Health, Fresh} }

// Formula is how a figure is made from a query's values, the same way for
// a commune and for the total, whose values are the communes' summed.
type Formula string

// The formulas.
const (
	// Sum: the figure is the one value; a breakdown's values are each
	// summed.
	Sum Formula = "sum"
	// Rate: the values are a numerator and a denominator; the figure is
	// 100 × numerator ÷ denominator, none when the denominator is 0.
	Rate Formula = "rate"
	// Fall: the values are a rate's numerator and denominator at 31/12 of
	// the year before, then as of the report's day; the figure is the
	// first rate minus the second, in percentage points (a fall is
	// positive).
	Fall Formula = "fall"
)

// Column is a column of a breakdown.
type Column struct {
	Key          string // its name in the query's result and in JSON
	Name, NameEN string
	Unit         Unit
	// Labels says where a dimension's values get their names for people:
	// "table.column" for a schema enumeration, "project" for a project
	// of programme 1719; values of other dimensions are shown as they are.
	Labels string
}

// NameIn is the indicator's name in l.
func (ind *Indicator) NameIn(l i18n.Lang) string { return pick(l, ind.Name, ind.NameEN) }

// DefinitionIn is the indicator's definition in l.
func (ind *Indicator) DefinitionIn(l i18n.Lang) string {
	return pick(l, ind.Definition, ind.DefinitionEN)
}

// NameIn is the column's name in l.
func (c Column) NameIn(l i18n.Lang) string { return pick(l, c.Name, c.NameEN) }

// pick is vi in Vietnamese, en in English (vi when there is none).
func pick(l i18n.Lang, vi, en string) string {
	if l == i18n.EN && en != "" {
		return en
	}
	return vi
}

// Catalogue returns every indicator, in the report's order. The result is
// the caller's.
func Catalogue() []*Indicator {
	var out []*Indicator
	for _, part := range [][]Indicator{povertyIndicators(), supportIndicators(), prestigeIndicators(),
		disasterIndicators(), healthIndicators(), freshnessIndicators()} {
		for i := range part {
			out = append(out, &part[i])
		}
	}
	return out
}

// ByKey returns the indicator of the catalogue with key.
func ByKey(key string) (*Indicator, bool) {
	all := Catalogue()
	i := slices.IndexFunc(all, func(ind *Indicator) bool { return ind.Key == key })
	if i < 0 {
		return nil, false
	}
	return all[i], true
}

// Targetable lists the indicators operators can set a yearly target for.
func Targetable() []*Indicator {
	var out []*Indicator
	for _, ind := range Catalogue() {
		if ind.TargetFlag != "" {
			out = append(out, ind)
		}
	}
	return out
}

// breakdown reports whether the indicator has a row per combination of
// dimensions rather than one figure a commune.
func (ind *Indicator) breakdown() bool { return len(ind.Dims) > 0 }

// width is how many values the query returns after the dimensions.
func (ind *Indicator) width() int {
	switch {
	case ind.breakdown():
		return len(ind.Values)
	case ind.Formula == Rate:
		return 2
	case ind.Formula == Fall:
		return 4
	}
	return 1
}

// figure makes an indicator's figure from its values (nil: none).
func (ind *Indicator) figure(v []float64) *float64 {
	rate := func(num, den float64) (float64, bool) { return 100 * num / den, den != 0 }
	var f float64
	switch ind.Formula {
	case Rate:
		r, ok := rate(v[0], v[1])
		if !ok {
			return nil
		}
		f = r
	case Fall:
		before, ok1 := rate(v[0], v[1])
		after, ok2 := rate(v[2], v[3])
		if !ok1 || !ok2 {
			return nil
		}
		f = before - after
	case Sum:
		f = v[0]
	default:
		panic(fmt.Sprintf("indicators: %s: unknown formula %q", ind.Key, ind.Formula))
	}
	return &f
}
