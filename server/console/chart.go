package console

// barChart is a horizontal bar chart the server draws as inline SVG: a
// label, a bar and its value per row, and where a row has a target, a
// mark across its bar. Its geometry is computed here; the template only
// places it.
type barChart struct {
	ID            string // the SVG element's id
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
	Mark         int // where the target's mark stands; 0: no target
	MarkTop      int // the mark's ends, a little beyond the bar
	MarkBottom   int
}

// barRow is what a row of a barChart shows: its label, its value, the
// value written as people read it, and its target if it has one.
type barRow struct {
	Label  string
	Value  float64
	Text   string
	Target *float64
}

// Sizes of a chart, in SVG user units (pixels at 100%): charts are drawn
// as wide as the page shows them, so that their texts keep the page's
// size.
const (
	chartWidth  = 1160 // a chart across the page
	halfWidth   = 560  // a chart beside another
	chartRow    = 30
	chartBar    = 18
	chartValues = 100 // room after the longest bar for its value
)

// newBarChart draws rows width units wide. The longest bar, or the
// farthest target, spans the room there is; a zero is no bar at all.
func newBarChart(id, title string, rows []barRow, width int) barChart {
	labels := min(width/4+70, 210)
	ch := barChart{ID: id, Width: width, Height: len(rows)*chartRow + 8, LabelWidth: labels,
		LabelX: labels - 8, BarHeight: chartBar, Title: title}
	var most float64
	for _, r := range rows {
		most = max(most, r.Value)
		if r.Target != nil {
			most = max(most, *r.Target)
		}
	}
	room := float64(width - labels - chartValues)
	x := func(v float64) int {
		if most <= 0 || v <= 0 {
			return 0
		}
		return int(room * v / most)
	}
	for i, r := range rows {
		b := bar{Label: clipRunes(r.Label, (labels-8)/8), Value: r.Text, Y: 4 + i*chartRow + (chartRow-chartBar)/2, Width: x(r.Value)}
		b.TextY = b.Y + chartBar - 4
		end := b.Width
		if r.Target != nil {
			b.Mark, b.MarkTop, b.MarkBottom = labels+max(x(*r.Target), 1), b.Y-4, b.Y+chartBar+4
			end = max(end, b.Mark-labels)
		}
		b.ValueX = labels + end + 8
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
