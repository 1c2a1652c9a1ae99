package console

import (
	"hodan/indicators"
	"hodan/internal/i18n"
	"hodan/schema"
)

// reportView is a report as the page shows it: every figure written for
// people in their language, communes by name, the total last.
type reportView struct {
	Title, Span, AsOf string
	Query             string // the form's query, for the downloads
	Areas             []string
	Stats             []stat
	Sections          []sectionView
	Breakdowns        []breakdownView
	Targets           []targetRow
	TargetCharts      []barChart
	RateChart         barChart
	Trend             columnChart
}

// stat is a figure of the total shown large.
type stat struct {
	Label, Value, Title string
}

// sectionView is a part of the report: a row per indicator, a column per
// commune and the total.
type sectionView struct {
	Title string
	Rows  []figureRow
}

// figureRow is one indicator of a section: its name and definition, its
// unit, and its figure in each area.
type figureRow struct {
	Key, Name, Definition, Unit string
	Cells                       []string
}

// breakdownView is an indicator with a row per combination of its
// dimensions, in each area.
type breakdownView struct {
	Key, Name, Definition string
	Header                []string
	Rows                  [][]string
}

// targetRow is an area's progress towards one target.
type targetRow struct {
	Area, Indicator, Plan, Done, Percent string
	Progress                             int // the percent, for the bar: 0 to 100
}

// progressTable is a table of targets: its id, whether it names each
// row's area, and its rows.
type progressTable struct {
	ID    string
	Areas bool
	Rows  []targetRow
}

// statKeys are the figures of the total shown large at the top.
var statKeys = []string{"households", "poor", "poverty_rate", "minority_poverty_rate", "poverty_rate_fall"}

// newReportView writes r for people in l; f is the form that asked for it.
func newReportView(l i18n.Lang, r *indicators.Report, f periodForm) *reportView {
	v := &reportView{Title: r.Period.Name(l), Query: f.query().Encode(),
		Span: i18n.T(l, "console.reports.span", schema.FormatDay(r.Period.From), schema.FormatDay(r.Period.To))}
	v.AsOf = i18n.T(l, "console.reports.as_of", schema.FormatDay(r.AsOf))
	if r.Current {
		v.AsOf = i18n.T(l, "console.reports.current", schema.FormatDayTime(r.AsOf))
	}
	areas := append(r.Communes, r.Total)
	for _, a := range areas {
		v.Areas = append(v.Areas, areaName(l, a))
	}
	for _, key := range statKeys {
		if ind, ok := computed(r, key); ok {
			st := stat{Label: ind.NameIn(l), Title: ind.DefinitionIn(l), Value: indicators.FormatFigure(l, r.Total.Figures[key], ind.Unit)}
			if ind.Unit == indicators.Points && r.Total.Figures[key] != nil {
				st.Value += " " + indicators.UnitLabel(l, ind.Unit)
			}
			v.Stats = append(v.Stats, st)
		}
	}
	for _, s := range indicators.Sections() {
		sv := sectionView{Title: i18n.T(l, "report.section."+string(s))}
		for _, ind := range r.Indicators {
			if ind.Section != s {
				continue
			}
			if len(ind.Dims) > 0 {
				v.Breakdowns = append(v.Breakdowns, newBreakdownView(l, ind, areas))
				continue
			}
			row := figureRow{Key: ind.Key, Name: ind.NameIn(l), Definition: ind.DefinitionIn(l), Unit: indicators.UnitLabel(l, ind.Unit)}
			for _, a := range areas {
				row.Cells = append(row.Cells, indicators.FormatFigure(l, a.Figures[ind.Key], ind.Unit))
			}
			sv.Rows = append(sv.Rows, row)
		}
		if len(sv.Rows) > 0 {
			v.Sections = append(v.Sections, sv)
		}
	}
	v.Targets = targetRows(l, areas)
	return v
}

// computed finds the indicator of key among those r computed.
func computed(r *indicators.Report, key string) (*indicators.Indicator, bool) {
	for _, ind := range r.Indicators {
		if ind.Key == key {
			return ind, true
		}
	}
	return nil, false
}

// areaName is a commune's name, or the total's, in l.
func areaName(l i18n.Lang, a indicators.Area) string {
	if a.Commune == "" {
		return i18n.T(l, "console.reports.total")
	}
	return CommuneName(a.Commune)
}

// newBreakdownView writes a breakdown's rows, commune by commune, then
// the total's.
func newBreakdownView(l i18n.Lang, ind *indicators.Indicator, areas []indicators.Area) breakdownView {
	b := breakdownView{Key: ind.Key, Name: ind.NameIn(l), Definition: ind.DefinitionIn(l),
		Header: []string{i18n.T(l, "console.col.commune")}}
	for _, d := range ind.Dims {
		b.Header = append(b.Header, d.NameIn(l))
	}
	for _, c := range ind.Values {
		b.Header = append(b.Header, c.NameIn(l))
	}
	for _, a := range areas {
		for _, row := range a.Tables[ind.Key] {
			cells := []string{areaName(l, a)}
			for i, d := range ind.Dims {
				cells = append(cells, indicators.DimLabelIn(l, d, row.Dims[i]))
			}
			for i, c := range ind.Values {
				cells = append(cells, indicators.FormatFigure(l, &row.Values[i], c.Unit))
			}
			b.Rows = append(b.Rows, cells)
		}
	}
	return b
}

// targetRows are every area's plans, what was done and the percent.
func targetRows(l i18n.Lang, areas []indicators.Area) []targetRow {
	var out []targetRow
	for _, a := range areas {
		for _, p := range a.Targets {
			ind, _ := indicators.ByKey(p.Indicator)
			row := targetRow{Area: areaName(l, a), Indicator: ind.NameIn(l), Plan: indicators.FormatFigure(l, p.Plan, ind.Unit),
				Done: indicators.FormatFigure(l, p.Done, ind.Unit), Percent: indicators.FormatFigure(l, p.Percent, indicators.Percent)}
			if p.Percent != nil {
				row.Progress = int(min(max(*p.Percent, 0), 100))
			}
			out = append(out, row)
		}
	}
	return out
}
