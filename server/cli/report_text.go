package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"hodan/indicators"
	"hodan/schema"
)

// sectionTitles are the report's sections as its text names them.
var sectionTitles = []struct {
	section indicators.Section
	title   string
}{
	{indicators.Poverty, "NGHÈO"}, {indicators.Support, "HỖ TRỢ"}, {indicators.Prestige, "NGƯỜI CÓ UY TÍN"},
	{indicators.Disaster, "THIÊN TAI"}, {indicators.Health, "BẢO HIỂM Y TẾ"}, {indicators.Fresh, "CẬP NHẬT DỮ LIỆU"},
}

// writeReport prints the report for people, in Vietnamese: a table per
// section with a row per indicator and a column per commune and the
// total, as the programme's report forms lay them out; then each
// breakdown, the targets and the laptops.
func writeReport(w io.Writer, r *indicators.Report) error {
	fmt.Fprintf(w, "BÁO CÁO CÁC CHỈ TIÊU — %s (từ %s đến %s)\n", r.Period.Label,
		indicators.FormatDate(r.Period.From), indicators.FormatDate(r.Period.To))
	if r.Current {
		fmt.Fprintf(w, "Số liệu hiện tại, lập ngày %s\n", indicators.FormatDate(r.AsOf))
	} else {
		fmt.Fprintf(w, "Số liệu tính đến hết ngày %s\n", indicators.FormatDate(r.AsOf))
	}
	if len(r.Communes) == 0 {
		_, err := fmt.Fprintln(w, "\nChưa có số liệu của xã nào.")
		return err
	}
	for _, s := range sectionTitles {
		fmt.Fprintf(w, "\n%s\n", s.title)
		writeFigures(w, r, s.section)
		for _, ind := range r.Indicators {
			if ind.Section == s.section && len(ind.Dims) > 0 {
				writeBreakdown(w, r, ind)
			}
		}
	}
	writeTargets(w, r)
	return writeDevices(w, r)
}

func areas(r *indicators.Report) []indicators.Area { return append(r.Communes, r.Total) }

// writeFigures prints the single figures of a section, if it has any.
func writeFigures(w io.Writer, r *indicators.Report, s indicators.Section) {
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
	fmt.Fprint(tw, "Chỉ tiêu\tĐơn vị\t")
	for _, a := range areas(r) {
		fmt.Fprintf(tw, "%s\t", a.Name)
	}
	fmt.Fprintln(tw)
	for _, ind := range inds {
		fmt.Fprintf(tw, "%s\t%s\t", ind.Name, indicators.UnitLabel(ind.Unit))
		for _, a := range areas(r) {
			fmt.Fprintf(tw, "%s\t", figure(a.Figures[ind.Key], ind.Unit))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// writeBreakdown prints a breakdown's rows, commune by commune, then the
// total's.
func writeBreakdown(w io.Writer, r *indicators.Report, ind *indicators.Indicator) {
	fmt.Fprintf(w, "\n%s\n", ind.Name)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := []string{"Xã"}
	for _, d := range ind.Dims {
		header = append(header, d.Name)
	}
	for _, v := range ind.Values {
		header = append(header, v.Name)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	rows := 0
	for _, a := range areas(r) {
		for _, row := range a.Tables[ind.Key] {
			cells := []string{a.Name}
			for i, d := range ind.Dims {
				cells = append(cells, indicators.DimLabel(d, row.Dims[i]))
			}
			for i, v := range ind.Values {
				cells = append(cells, figure(&row.Values[i], v.Unit))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintln(tw, "(không có)")
	}
	tw.Flush()
}

// writeTargets prints each area's plan, done from 1 January and percent.
func writeTargets(w io.Writer, r *indicators.Report) {
	fmt.Fprintf(w, "\nKẾ HOẠCH – THỰC HIỆN (năm %d, lũy kế từ 01/01 đến %s)\n", r.Period.To.Year(), indicators.FormatDate(r.Period.To))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Xã\tChỉ tiêu\tKế hoạch\tThực hiện\tTỷ lệ")
	rows := 0
	for _, a := range areas(r) {
		for _, p := range a.Targets {
			ind, _ := indicators.ByKey(p.Indicator)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Name, ind.Name, figure(p.Plan, ind.Unit), figure(p.Done, ind.Unit), figure(p.Percent, indicators.Percent))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintln(tw, "(chưa đặt chỉ tiêu: hodan-server target set)")
	}
	tw.Flush()
}

// writeDevices prints the laptops' last syncs, silent ones first.
func writeDevices(w io.Writer, r *indicators.Report) error {
	fmt.Fprintf(w, "\nMÁY TÍNH CỦA CÁN BỘ (im lặng: quá %d ngày không gửi dữ liệu)\n", indicators.SilentAfter)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Cán bộ\tMã máy\tXã\tGửi dữ liệu lần cuối\tSố ngày\tTình trạng")
	for _, d := range r.Devices {
		last, state := "chưa gửi", ""
		if d.LastSent != nil {
			last = indicators.FormatDate(*d.LastSent)
		}
		if d.Silent {
			state = "im lặng"
		}
		names := make([]string, len(d.Communes))
		for i, c := range d.Communes {
			names[i] = indicators.CommuneName(c)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", d.Officer, d.ID.String()[:8], strings.Join(names, ", "), last, d.SilentDays, state)
	}
	if len(r.Devices) == 0 {
		fmt.Fprintln(tw, "(chưa có máy nào đăng ký)")
	}
	return tw.Flush()
}

// figure writes a figure as Vietnamese write numbers (schema.FormatFixed):
// "." groups thousands, "," marks decimals; a rate with one decimal and %, a count
// or an amount whole; "–" for none.
func figure(f *float64, unit indicators.Unit) string {
	if f == nil || math.IsNaN(*f) {
		return "–"
	}
	switch unit {
	case indicators.Percent:
		return schema.FormatFixed(*f, 1) + "%"
	case indicators.Points:
		return schema.FormatFixed(*f, 1)
	case indicators.Quantity:
		return strings.TrimSuffix(strings.TrimRight(schema.FormatFixed(*f, 2), "0"), ",")
	}
	return schema.FormatFixed(*f, 0)
}
