package console

// columnChart is a chart of one figure over time the server draws as
// inline SVG: a column per period from left to right, its value above it
// and the period's name below. A period without a figure has no column
// and shows "–".
type columnChart struct {
	ID            string
	Width, Height int
	Base          int // the axis's height: where columns stand
	LabelY        int // the baseline of the periods' names, and of their second lines
	SubY          int
	Title         string
	Columns       []column
}

// column is one period of a columnChart.
type column struct {
	Label, Sub string // the period's name, on two lines
	Value      string
	X, Width   int // the column's left side and width
	Y, Height  int // its top and height; 0 high without a figure
	Middle     int // where its texts are centred
	ValueY     int // the baseline of its value
}

// columnPoint is what a column shows: its period on two lines, its
// figure (nil for none), and the figure written as people read it.
type columnPoint struct {
	Label string
	Sub   string
	Value *float64
	Text  string
}

// Sizes of a columnChart, in SVG user units.
const (
	columnsHeight = 250
	columnsTop    = 28 // room above the highest column for its value
	columnsBottom = 44 // room below the axis for the periods' names
)

// newColumnChart draws points width units wide: the highest figure
// reaches the top of the room there is.
func newColumnChart(id, title string, points []columnPoint, width int) columnChart {
	ch := columnChart{ID: id, Width: width, Height: columnsHeight, Base: columnsHeight - columnsBottom,
		LabelY: columnsHeight - 24, SubY: columnsHeight - 6, Title: title}
	var most float64
	for _, p := range points {
		if p.Value != nil {
			most = max(most, *p.Value)
		}
	}
	if len(points) == 0 {
		return ch
	}
	slot := width / len(points)
	room := float64(ch.Base - columnsTop)
	for i, p := range points {
		c := column{Label: p.Label, Sub: p.Sub, Value: p.Text, X: i*slot + slot/4, Width: slot / 2, Middle: i*slot + slot/2}
		if p.Value != nil && most > 0 && *p.Value > 0 {
			c.Height = max(int(room**p.Value/most), 1)
		}
		c.Y = ch.Base - c.Height
		c.ValueY = c.Y - 8
		ch.Columns = append(ch.Columns, c)
	}
	return ch
}
