package indicators_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"hodan/indicators"
)

// none is a figure that has no value (a rate of nothing).
var none = math.NaN()

// expected is what a report must hold, worked out by hand from the
// fixture's story: single figures by key as [commune A, commune B,
// total]; breakdowns by key and commune ("" the total) as rows written
// "dim | dim = value value"; targets by commune as "key plan done
// percent".
type expected struct {
	figures map[string][3]float64
	tables  map[string]map[string][]string
	targets map[string][]string
}

func mustPeriod(t *testing.T, s string) indicators.Period {
	t.Helper()
	p, err := indicators.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := indicators.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustCompute(t *testing.T, f *fixture, p indicators.Params) *indicators.Report {
	t.Helper()
	if p.Now.IsZero() {
		p.Now = mustDay(t, "20/01/2026")
	}
	r, err := indicators.Compute(context.Background(), f.DB, p)
	if err != nil {
		t.Fatalf("compute: %v", err)
	}
	return r
}

// TestIndicators checks every indicator of the catalogue against the
// figures worked out by hand, for the year 2025 as of 31/12/2025: the
// changes of January 2026 are not counted, merged and deleted households
// are not, the late delivery of December is not yet known.
func TestIndicators(t *testing.T) {
	f := mustFixture(t)
	r := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025"), AsOf: mustDay(t, "31/12/2025")})
	want := expected{
		figures: map[string][3]float64{
			"households":                 {5, 2, 7},
			"poor":                       {3, 0, 3},
			"near_poor":                  {0, 1, 1},
			"poverty_rate":               {60, 0, 300.0 / 7},
			"near_poverty_rate":          {0, 50, 100.0 / 7},
			"minority_households":        {3, 1, 4},
			"minority_poor":              {2, 0, 2},
			"minority_poverty_rate":      {200.0 / 3, 0, 50},
			"poverty_rate_year_before":   {50, 50, 50},
			"poverty_rate_fall":          {-10, 50, 50 - 300.0/7},
			"minority_poverty_rate_fall": {50 - 200.0/3, 100, 200.0/3 - 50},
			"escaped_poverty":            {1, 0, 1},
			"poor_to_near_poor":          {0, 1, 1},
			"newly_poor":                 {2, 0, 2},
			"houses":                     {2, 0, 2},
			"water":                      {1, 0, 1},
			"residential_land":           {1, 0, 1},
			"production_land":            {0, 0, 0},
			"prestige_people":            {2, 0, 2},
			"prestige_visits":            {2, 0, 2},
			"prestige_visited":           {1, 0, 1},
			"prestige_gifts":             {1, 0, 1},
			"prestige_gift_value":        {500_000, 0, 500_000},
			"members":                    {3, 1, 4},
			"insured":                    {2, 1, 3},
			"insurance_rate":             {200.0 / 3, 100, 75},
			"not_visited":                {2, 1, 3},
		},
		tables: map[string]map[string][]string{
			"by_standard": {
				communeA: {" = 1 0 0", "nd07_2021 = 4 3 0"},
				communeB: {" = 1 0 0", "nd07_2021 = 1 0 1"},
				"":       {" = 2 0 0", "nd07_2021 = 5 3 1"},
			},
			"support": {
				communeA: {
					"ntp_1719 | DA1.ND1 | residential_land = 1 200 0 1e+07 0",
					"ntp_1719 | DA1.ND2 | new_house = 2 2 0 4e+07 4e+07",
					"ntp_1719 | DA1.ND4 | distributed_water = 1 1 0 0 3e+06",
					"other |  | gift = 1 1 0 500000 0",
				},
				communeB: {"sustainable_poverty |  | house_repair = 0 0 2e+07 0 0"},
				"": {
					"ntp_1719 | DA1.ND1 | residential_land = 1 200 0 1e+07 0",
					"ntp_1719 | DA1.ND2 | new_house = 2 2 0 4e+07 4e+07",
					"ntp_1719 | DA1.ND4 | distributed_water = 1 1 0 0 3e+06",
					"other |  | gift = 1 1 0 500000 0",
					"sustainable_poverty |  | house_repair = 0 0 2e+07 0 0",
				},
			},
			"damage": {
				communeA: {"Lũ quét tháng 3 = 1 0 0 1 0 0 1 6e+07"},
				communeB: nil,
				"":       {"Lũ quét tháng 3 = 1 0 0 1 0 0 1 6e+07"},
			},
			"visits": {
				communeA: {"damage_assessment = 1 1", "poverty_review = 1 1", "prestige_visit = 2 1"},
				communeB: {"damage_assessment = 1 1"},
				"":       {"damage_assessment = 2 2", "poverty_review = 1 1", "prestige_visit = 2 1"},
			},
		},
		targets: map[string][]string{
			communeA: {"poverty_rate_fall 10.00 -10.00 -100.00", "houses 2.00 2.00 100.00", "water 2.00 1.00 50.00"},
			communeB: {"houses 1.00 0.00 0.00", "water 1.00 0.00 0.00"},
			"":       {"poverty_rate_fall 5.00 7.14 142.86", "houses 3.00 2.00 66.67", "water 3.00 1.00 33.33"},
		},
	}
	for _, ind := range indicators.Catalogue() {
		_, fig := want.figures[ind.Key]
		_, tab := want.tables[ind.Key]
		if !ind.Counted && !fig && !tab {
			t.Errorf("indicator %s has no expected figure: work it out from the fixture", ind.Key)
		}
	}
	check(t, r, want)
}

// TestIndicatorsAsOfLaterDays: the same year as of a day in January 2026
// counts what was recorded by then, the late delivery of December among
// it, and the targets as they were raised; a first quarter and a second
// quarter as of their last days count what was known then, the second
// compared with the year's targets from 1 January.
func TestIndicatorsAsOfLaterDays(t *testing.T) {
	f := mustFixture(t)
	cases := []struct {
		name, period, asOf string
		want               expected
	}{
		{"2025 as of 15/01/2026", "2025", "15/01/2026", expected{
			figures: map[string][3]float64{
				"households": {5, 3, 8}, "poor": {2, 1, 3}, "poverty_rate": {40, 100.0 / 3, 37.5},
				"escaped_poverty": {2, 0, 2}, "newly_poor": {2, 1, 3}, "water": {1, 1, 2},
				"minority_poverty_rate": {200.0 / 3, 50, 60},
			},
			targets: map[string][]string{communeA: {"poverty_rate_fall 10.00 10.00 100.00", "houses 3.00 2.00 66.67", "water 2.00 1.00 50.00"}},
		}},
		{"first quarter as of 31/03/2025", "2025-Q1", "31/03/2025", expected{
			figures: map[string][3]float64{
				"households": {5, 2, 7}, "poor": {2, 1, 3}, "near_poor": {1, 0, 1}, "poverty_rate": {40, 50, 300.0 / 7},
				"escaped_poverty": {1, 0, 1}, "newly_poor": {1, 0, 1}, "houses": {1, 0, 1}, "water": {1, 0, 1},
				"prestige_visits": {1, 0, 1}, "prestige_visited": {1, 0, 1}, "not_visited": {2, 1, 3},
			},
			targets: map[string][]string{communeA: {"poverty_rate_fall 10.00 10.00 100.00", "houses 2.00 1.00 50.00", "water 2.00 1.00 50.00"}},
		}},
		{"second quarter as of 30/06/2025", "2025-Q2", "30/06/2025", expected{
			figures: map[string][3]float64{
				"poor": {3, 0, 3}, "escaped_poverty": {0, 0, 0}, "poor_to_near_poor": {0, 1, 1}, "newly_poor": {1, 0, 1}, "houses": {1, 0, 1},
				"water": {0, 0, 0}, "prestige_visits": {1, 0, 1},
			},
			targets: map[string][]string{
				communeA: {"poverty_rate_fall 10.00 -10.00 -100.00", "houses 2.00 2.00 100.00", "water 2.00 1.00 50.00"},
				communeB: {"houses 1.00 0.00 0.00", "water 1.00 0.00 0.00"},
			},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, mustCompute(t, f, indicators.Params{Period: mustPeriod(t, tc.period), AsOf: mustDay(t, tc.asOf)}), tc.want)
		})
	}
}

// TestIndicatorsOfTheCurrentData: without an as-of day the report reads
// the live data, and counts open conflicts.
func TestIndicatorsOfTheCurrentData(t *testing.T) {
	f := mustFixture(t)
	r := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025"),
		Counters: map[string]indicators.Counter{"open_conflicts": indicators.OpenConflicts(f.DB)}})
	check(t, r, expected{figures: map[string][3]float64{
		"households": {5, 3, 8}, "poor": {2, 1, 3}, "water": {1, 1, 2}, "open_conflicts": {1, 0, 1},
	}})
	asOf := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025"), AsOf: mustDay(t, "20/01/2026"),
		Counters: map[string]indicators.Counter{"open_conflicts": indicators.OpenConflicts(f.DB)}})
	if _, ok := asOf.Total.Figures["open_conflicts"]; ok {
		t.Errorf("a report as of a past day counts open conflicts, which it cannot know then")
	}
}

// TestIndicatorsOfOneCommune: a report of one commune holds it alone, and
// its total is that commune's.
func TestIndicatorsOfOneCommune(t *testing.T) {
	f := mustFixture(t)
	r := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025"), AsOf: mustDay(t, "31/12/2025"), Communes: []string{communeB}})
	if len(r.Communes) != 1 || r.Communes[0].Commune != communeB || r.Communes[0].Name != "Xã Cẩm Giàng" {
		t.Fatalf("communes of a report of %s: %+v", communeB, r.Communes)
	}
	for key, fig := range r.Communes[0].Figures {
		if !sameFigure(fig, r.Total.Figures[key]) {
			t.Errorf("%s: commune %v, total %v", key, show(fig), show(r.Total.Figures[key]))
		}
	}
	if got := show(r.Total.Figures["households"]); got != "2" {
		t.Errorf("households of %s: %s, want 2", communeB, got)
	}
	if got := progress(r.Total.Targets); strings.Join(got, ", ") != "houses 1.00 0.00 0.00, water 1.00 0.00 0.00" {
		t.Errorf("the targets of a report of one commune: %q", got)
	}
}

// check compares a report with what is expected, and checks that every
// count's total is the sum of the communes'.
func check(t *testing.T, r *indicators.Report, want expected) {
	t.Helper()
	areas := map[string]*indicators.Area{"": &r.Total}
	for i := range r.Communes {
		areas[r.Communes[i].Commune] = &r.Communes[i]
	}
	if areas[communeA] == nil || areas[communeB] == nil || len(r.Communes) != 2 {
		t.Fatalf("communes: %+v, want %s and %s", r.Communes, communeA, communeB)
	}
	for key, w := range want.figures {
		for i, code := range []string{communeA, communeB, ""} {
			fig, ok := areas[code].Figures[key]
			if !ok || !sameFigure(fig, &w[i]) {
				t.Errorf("%s of %q: %s, want %v", key, code, show(fig), w[i])
			}
		}
	}
	for key, byCommune := range want.tables {
		for code, rows := range byCommune {
			if got := tableRows(areas[code].Tables[key]); strings.Join(got, "\n") != strings.Join(rows, "\n") {
				t.Errorf("%s of %q:\n%s\nwant\n%s", key, code, strings.Join(got, "\n"), strings.Join(rows, "\n"))
			}
		}
	}
	for code, w := range want.targets {
		if got := progress(areas[code].Targets); strings.Join(got, ", ") != strings.Join(w, ", ") {
			t.Errorf("targets of %q: %q, want %q", code, got, w)
		}
	}
	checkTotals(t, r)
}

// checkTotals: every count of the total is the communes' summed, and
// every rate is the summed numerators over the summed denominators
// (checked above against the hand-made figures).
func checkTotals(t *testing.T, r *indicators.Report) {
	t.Helper()
	for _, ind := range r.Indicators {
		if ind.Formula != indicators.Sum {
			continue
		}
		if len(ind.Dims) == 0 {
			sum := 0.0
			for _, a := range r.Communes {
				sum += *a.Figures[ind.Key]
			}
			if *r.Total.Figures[ind.Key] != sum {
				t.Errorf("%s: total %v, communes' sum %v", ind.Key, *r.Total.Figures[ind.Key], sum)
			}
			continue
		}
		sums := map[string]float64{}
		for _, a := range r.Communes {
			for _, row := range a.Tables[ind.Key] {
				for i, v := range row.Values {
					sums[fmt.Sprint(row.Dims, i)] += v
				}
			}
		}
		for _, row := range r.Total.Tables[ind.Key] {
			for i, v := range row.Values {
				if k := fmt.Sprint(row.Dims, i); sums[k] != v {
					t.Errorf("%s %v value %d: total %v, communes' sum %v", ind.Key, row.Dims, i, v, sums[k])
				}
			}
		}
	}
}

func sameFigure(got, want *float64) bool {
	switch {
	case got == nil || want == nil || math.IsNaN(*want):
		return (got == nil) == (want == nil || math.IsNaN(*want))
	}
	return math.Abs(*got-*want) < 1e-9
}

func show(f *float64) string {
	if f == nil {
		return "none"
	}
	return fmt.Sprint(*f)
}

func tableRows(rows []indicators.Row) []string {
	var out []string
	for _, r := range rows {
		vals := make([]string, len(r.Values))
		for i, v := range r.Values {
			vals[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(r.Dims, " | ")+" = "+strings.Join(vals, " "))
	}
	return out
}

func progress(ps []indicators.Progress) []string {
	var out []string
	for _, p := range ps {
		f := func(v *float64) string {
			if v == nil {
				return "-"
			}
			return fmt.Sprintf("%.2f", *v)
		}
		out = append(out, strings.Join([]string{p.Indicator, f(p.Plan), f(p.Done), f(p.Percent)}, " "))
	}
	return out
}

// TestOnly: a report of one indicator (a chart's) computes it alone, with
// the figures of the whole report, and no targets.
func TestOnly(t *testing.T) {
	f := mustFixture(t)
	p := indicators.Params{Period: mustPeriod(t, "2025-Q2"), AsOf: mustDay(t, "30/06/2025")}
	whole := mustCompute(t, f, p)
	p.Only = []string{"poverty_rate"}
	one := mustCompute(t, f, p)
	if len(one.Indicators) != 1 || one.Indicators[0].Key != "poverty_rate" {
		t.Fatalf("indicators computed: %d, want poverty_rate alone", len(one.Indicators))
	}
	for i, a := range append(one.Communes, one.Total) {
		b := append(whole.Communes, whole.Total)[i]
		if got, want := *a.Figures["poverty_rate"], *b.Figures["poverty_rate"]; got != want || len(a.Figures) != 1 || len(a.Targets) != 0 {
			t.Errorf("%s: poverty rate %v (of %d figures, %d targets), want %v alone", a.Name, got, len(a.Figures), len(a.Targets), want)
		}
	}
}

// TestUnvisitedListsWhatTheIndicatorCounts: the list of households not
// visited has, commune by commune, as many as not_visited counts in a
// report of the current data, and names them.
func TestUnvisitedListsWhatTheIndicatorCounts(t *testing.T) {
	f := mustFixture(t)
	r := mustCompute(t, f, indicators.Params{Period: mustPeriod(t, "2025")})
	for _, communes := range [][]string{nil, {communeB}} {
		list, err := indicators.Unvisited(context.Background(), f.DB, communes, mustDay(t, "31/12/2025"))
		if err != nil {
			t.Fatal(err)
		}
		counted := map[string]int{}
		for _, h := range list {
			counted[h.Commune]++
			if h.HeadName == "" || h.ID == "" {
				t.Errorf("a household listed without its head or id: %+v", h)
			}
		}
		for _, a := range r.Communes {
			want := int(*a.Figures["not_visited"])
			if communes != nil && a.Commune != communeB {
				want = 0
			}
			if counted[a.Commune] != want {
				t.Errorf("communes %v: %s lists %d households not visited, the indicator counts %d", communes, a.Name, counted[a.Commune], want)
			}
		}
	}
}
