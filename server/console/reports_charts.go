package console

import (
	"context"
	"time"

	"hodan/indicators"
	"hodan/internal/i18n"
)

// trendQuarters is how many quarters the chart of the poverty rate's
// trend shows.
const trendQuarters = 8

// drawCharts draws the report's charts into v: the poverty rate per
// commune, its trend by quarter, and what was done against each target
// per commune.
func (c *Console) drawCharts(ctx context.Context, vis *visit, r *indicators.Report, v *reportView) error {
	l := vis.lang
	if ind, ok := computed(r, "poverty_rate"); ok {
		rows := make([]barRow, len(r.Communes))
		for i, a := range r.Communes {
			f := a.Figures[ind.Key]
			rows[i] = barRow{Label: areaName(l, a), Text: indicators.FormatFigure(l, f, ind.Unit)}
			if f != nil {
				rows[i].Value = *f
			}
		}
		v.RateChart = newBarChart("rate-chart", i18n.T(l, "console.reports.rate_chart"), rows, halfWidth)
	}
	v.TargetCharts = targetCharts(l, r)
	trend, err := c.trend(ctx, vis, r)
	if err != nil {
		return err
	}
	v.Trend = trend
	return nil
}

// trend is the poverty rate of the operator's communes together at the
// end of each of the last quarters up to the one the report ends in (or
// its as-of day, if that comes first), each computed as of the quarter's
// last day: what the server knew then, as the quarter's report said it.
// The last is as of the report's own day.
func (c *Console) trend(ctx context.Context, v *visit, r *indicators.Report) (columnChart, error) {
	last := r.Period.To
	if r.AsOf.Before(last) {
		last = r.AsOf
	}
	ind, _ := indicators.ByKey("poverty_rate")
	var points []columnPoint
	for _, q := range indicators.Quarters(last, trendQuarters) {
		p := indicators.Params{Period: q, AsOf: q.To, Only: []string{ind.Key}}
		if indicators.EndOfDay(q.To) >= indicators.EndOfDay(last) {
			// The report's own quarter: as of the report's day, or the
			// current data, as the report.
			p.AsOf = r.AsOf
			if r.Current {
				p.AsOf = time.Time{}
			}
		}
		qr, err := c.compute(ctx, v.user().Communes, p)
		if err != nil {
			return columnChart{}, err
		}
		f := qr.Total.Figures[ind.Key]
		label, sub := q.Lines(v.lang)
		points = append(points, columnPoint{Label: label, Sub: sub, Value: f, Text: indicators.FormatFigure(v.lang, f, ind.Unit)})
	}
	return newColumnChart("trend-chart", i18n.T(v.lang, "console.reports.trend_chart", trendQuarters), points, halfWidth), nil
}

// targetCharts draws, for every count with a target in some commune, a
// bar per commune of what it did from 1 January, the plan marked across.
func targetCharts(l i18n.Lang, r *indicators.Report) []barChart {
	var out []barChart
	for _, ind := range indicators.Targetable() {
		if ind.Unit != indicators.Households && ind.Unit != indicators.People {
			continue
		}
		var rows []barRow
		for _, a := range r.Communes {
			for _, p := range a.Targets {
				if p.Indicator != ind.Key {
					continue
				}
				row := barRow{Label: areaName(l, a), Target: p.Plan,
					Text: i18n.T(l, "console.reports.done_of", indicators.FormatFigure(l, p.Done, ind.Unit), indicators.FormatFigure(l, p.Plan, ind.Unit))}
				if p.Done != nil {
					row.Value = *p.Done
				}
				rows = append(rows, row)
			}
		}
		if len(rows) > 0 {
			out = append(out, newBarChart("target-chart-"+ind.Key, ind.NameIn(l), rows, chartWidth))
		}
	}
	return out
}
