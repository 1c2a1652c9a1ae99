package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"hodan/indicators"
	"hodan/schema"
	"hodan/server/console"
)

// writeReport prints the report for people, in t's language: a table per
// section with a row per indicator and a column per commune and the
// total, as the programme's report forms lay them out; then each
// breakdown, the targets and the laptops.
func (t tr) writeReport(w io.Writer, r *indicators.Report) error {
	fmt.Fprintln(w, t.T("server.report.title", r.Period.Name(t.lang), schema.FormatDay(r.Period.From), schema.FormatDay(r.Period.To)))
	if r.Current {
		fmt.Fprintln(w, t.T("server.report.current", schema.FormatDayTime(r.AsOf)))
	} else {
		fmt.Fprintln(w, t.T("server.report.as_of", schema.FormatDay(r.AsOf)))
	}
	if len(r.Communes) == 0 {
		_, err := fmt.Fprintln(w, "\n"+t.T("server.report.empty"))
		return err
	}
	for _, s := range indicators.Sections() {
		fmt.Fprintf(w, "\n%s\n", strings.ToUpper(t.T("report.section."+string(s))))
		t.writeFigures(w, r, s)
		for _, ind := range r.Indicators {
			if ind.Section == s && len(ind.Dims) > 0 {
				t.writeBreakdown(w, r, ind)
			}
		}
	}
	t.writeTargets(w, r)
	return t.writeDevices(w, r)
}

func areas(r *indicators.Report) []indicators.Area { return append(r.Communes, r.Total) }

// areaName is a commune's name, or the total's, in t's language.
func (t tr) areaName(a indicators.Area) string {
	if a.Commune == "" {
		return t.T("server.report.total")
	}
	return a.Name
}

// writeFigures prints the single figures of a section, if it has any.
func (t tr) writeFigures(w io.Writer, r *indicators.Report, s indicators.Section) {
	var inds []*indicators.Indicator
	for _, ind := range r.Indicators {
		if ind.Section == s && len(ind.Dims) == 0 {
			inds = append(inds, ind)
		}
	}
	if len(inds) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, t.T("server.report.figures_header"))
	for _, a := range areas(r) {
		fmt.Fprintf(tw, "\t%s", t.areaName(a))
	}
	fmt.Fprintln(tw)
	for _, ind := range inds {
		fmt.Fprintf(tw, "%s\t%s", ind.NameIn(t.lang), indicators.UnitLabel(t.lang, ind.Unit))
		for _, a := range areas(r) {
			fmt.Fprintf(tw, "\t%s", t.figure(a.Figures[ind.Key], ind.Unit))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// figure writes a figure as t's language writes numbers (see
// indicators.FormatFigure).
func (t tr) figure(f *float64, unit indicators.Unit) string {
	return indicators.FormatFigure(t.lang, f, unit)
}

// writeBreakdown prints a breakdown's rows, commune by commune, then the
// total's.
func (t tr) writeBreakdown(w io.Writer, r *indicators.Report, ind *indicators.Indicator) {
	fmt.Fprintf(w, "\n%s\n", ind.NameIn(t.lang))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := []string{t.T("server.report.commune")}
	for _, d := range ind.Dims {
		header = append(header, d.NameIn(t.lang))
	}
	for _, v := range ind.Values {
		header = append(header, v.NameIn(t.lang))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	rows := 0
	for _, a := range areas(r) {
		for _, row := range a.Tables[ind.Key] {
			cells := []string{t.areaName(a)}
			for i, d := range ind.Dims {
				cells = append(cells, indicators.DimLabelIn(t.lang, d, row.Dims[i]))
			}
			for i, v := range ind.Values {
				cells = append(cells, t.figure(&row.Values[i], v.Unit))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintln(tw, t.T("server.report.nothing"))
	}
	tw.Flush()
}

// writeTargets prints each area's plan, done from 1 January and percent.
func (t tr) writeTargets(w io.Writer, r *indicators.Report) {
	fmt.Fprintf(w, "\n%s\n", t.T("server.report.targets", r.Period.To.Year(), schema.FormatDay(r.Period.To)))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.report.targets_header"))
	rows := 0
	for _, a := range areas(r) {
		for _, p := range a.Targets {
			ind, _ := indicators.ByKey(p.Indicator)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.areaName(a), ind.NameIn(t.lang), t.figure(p.Plan, ind.Unit), t.figure(p.Done, ind.Unit),
				t.figure(p.Percent, indicators.Percent))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintln(tw, t.T("server.report.no_targets"))
	}
	tw.Flush()
}

// writeDevices prints the laptops' last syncs, silent ones first.
func (t tr) writeDevices(w io.Writer, r *indicators.Report) error {
	fmt.Fprintf(w, "\n%s\n", t.T("server.report.devices", indicators.SilentAfter))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.report.devices_header"))
	for _, d := range r.Devices {
		last, state := t.T("server.device.never"), ""
		if d.LastSent != nil {
			last = schema.FormatDay(*d.LastSent)
		}
		if d.Silent {
			state = t.T("server.report.silent")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", d.Officer, console.CommuneNames(t.lang, d.Communes), last, d.SilentDays, state)
	}
	if len(r.Devices) == 0 {
		fmt.Fprintln(tw, t.T("server.report.no_devices"))
	}
	return tw.Flush()
}
