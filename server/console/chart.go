package console

// barChart is a horizontal bar chart the server draws as inline SVG: a
// label, a bar and its value per row. Its geometry is computed here; the
// template only places it.
type barChart struct {
	Width, Height int
	LabelWidth    int // where the bars start
	LabelX        int // where the labels end
	BarHeight     int
	Title         string
	Bars          []bar
}

// bar is one row of a barChart.
type bar struct {
	Label, Value string
	Y, TextY     int // the bar's top, the baseline of its texts
	Width        int
	ValueX       int // where its value is written
}

// Sizes of a barChart, in SVG user units (pixels at 100%).
const (
	chartWidth  = 1160
	chartLabels = 210
	chartRow    = 30
	chartBar    = 18
	chartValues = 70 // room after the longest bar for its value
)

// newBarChart draws values with their labels; number writes a value as
// people read it. The longest bar spans the room there is; a zero is no
// bar at all.
func newBarChart(title string, labels []string, values []int64, number func(int64) string) barChart {
	ch := barChart{Width: chartWidth, Height: len(values)*chartRow + 8, LabelWidth: chartLabels,
		LabelX: chartLabels - 8, BarHeight: chartBar, Title: title}
	var most int64
	for _, v := range values {
		most = max(most, v)
	}
	room := chartWidth - chartLabels - chartValues
	for i, v := range values {
		b := bar{Label: clipRunes(labels[i], 26), Value: number(v), Y: 4 + i*chartRow + (chartRow-chartBar)/2}
		b.TextY = b.Y + chartBar - 4
		if most > 0 {
			b.Width = int(int64(room) * v / most)
		}
		b.ValueX = chartLabels + b.Width + 8
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// clipRunes shortens s to n characters, ending with "…" if cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
