package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"golang.org/x/term"

	"hodan/ops"
	"hodan/schema"
)

// printJSON writes v as indented JSON and a newline.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// terminalWidth is the width tables fit in: the terminal's, if w is one
// wider than 80 columns, else 80.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 80 {
			return cols
		}
	}
	return 80
}

// printTable writes records as aligned columns under a header of column
// labels, within the terminal's width (see fitTable).
func (a *app) printTable(w io.Writer, t *schema.Table, cols []string, rows []ops.Record) error {
	head := make([]string, len(cols))
	for i, name := range cols {
		head[i] = "ID"
		if c, ok := t.Column(name); ok {
			head[i] = strings.ToUpper(a.columnText(t, c))
		}
	}
	cells := make([][]string, len(rows))
	for j, r := range rows {
		cells[j] = make([]string, len(cols))
		for i, name := range cols {
			cells[j][i] = a.formatCell(r[name])
			if c, ok := t.Column(name); ok {
				cells[j][i] = a.formatValue(c, r[name])
			}
		}
	}
	hidden, err := fitTable(w, terminalWidth(w), head, cells, 1)
	if err != nil {
		return err
	}
	if hidden > 0 {
		fmt.Fprintln(w, a.T("table.hidden", hidden, t.Noun))
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, a.T("table.none", a.tableLabel(t)))
	}
	return nil
}

// minColumn is the width below which fitTable drops a column rather than
// narrow it further.
const minColumn = 12

// fitTable writes head and rows as columns two spaces apart within width
// columns of the terminal, counting characters, not bytes, and not the
// combining marks of decomposed Vietnamese. The first fixed columns (ids,
// which people copy) are never cut; of the others, the last ones are left
// out while even minColumn characters each would not fit, and the widest
// are cut, with "…", until the rest fit. It returns how many columns it
// left out.
func fitTable(w io.Writer, width int, head []string, rows [][]string, fixed int) (int, error) {
	head, rows = safeRow(head), safeRows(rows)
	natural := make([]int, len(head))
	for _, r := range append([][]string{head}, rows...) {
		for i, cell := range r {
			natural[i] = max(natural[i], textWidth(cell))
		}
	}
	least := func(i int) int {
		if i < fixed {
			return natural[i]
		}
		return min(natural[i], minColumn)
	}
	n := len(head)
	for n > fixed+1 && sumWidths(n, least)+2*(n-1) > width {
		n--
	}
	widths := append([]int(nil), natural[:n]...)
	for sumWidths(n, func(i int) int { return widths[i] })+2*(n-1) > width {
		widest := -1
		for i := fixed; i < n; i++ {
			if widths[i] > least(i) && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break // what is left cannot be narrower
		}
		widths[widest]--
	}
	var b strings.Builder
	for _, r := range append([][]string{head}, rows...) {
		var line strings.Builder
		for i := 0; i < n; i++ {
			cell := cut(r[i], widths[i])
			line.WriteString(cell)
			if i < n-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-textWidth(cell)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return len(head) - n, err
}

func sumWidths(n int, width func(int) int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += width(i)
	}
	return sum
}

// textWidth is how many columns s takes on a terminal: its characters,
// less the combining marks that sit on another.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}

// cut shortens s to width columns, ending with "…" when it cuts.
func cut(s string, width int) string {
	if textWidth(s) <= width {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		mark := unicode.Is(unicode.Mn, r)
		if !mark && n == width-1 {
			break
		}
		if !mark {
			n++
		}
		b.WriteRune(r)
	}
	return b.String() + "…"
}

// printRecord writes one record as label, column and value per line.
func (a *app) printRecord(w io.Writer, t *schema.Table, r ops.Record) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t\t%s\n", a.formatCell(r["id"]))
	for i := range t.Columns {
		c := &t.Columns[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, a.columnText(t, c), a.describeValue(c, r[c.Name]))
	}
	return tw.Flush()
}

// formatCell is a value as a table shows it: "-" for none, yes or no in
// the officer's language.
func (a *app) formatCell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case bool:
		if x {
			return a.T("value.yes")
		}
		return a.T("value.no")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return ops.SafeText(x)
	}
	return fmt.Sprint(v)
}

func safeRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = ops.SafeText(c)
	}
	return out
}

func safeRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = safeRow(r)
	}
	return out
}

// formatValue is a value of column c as a table shows it: numbers as
// Vietnamese write them, grouped where the column holds large ones (see
// schema.Column.Format), dates as dd/mm/yyyy, a value of a list by its
// label, an ethnic group by its name, anything else as formatCell shows
// it.
func (a *app) formatValue(c *schema.Column, v any) string {
	switch x := v.(type) {
	case int64:
		if c.Type == schema.Bool {
			return a.formatCell(x != 0)
		}
		return c.Format(x)
	case float64:
		return c.Format(x)
	case string:
		switch {
		case c.Type == schema.Date:
			if d, err := time.Parse(time.DateOnly, x); err == nil {
				return schema.FormatDate(d)
			}
		case len(c.Enum) > 0:
			return ops.SafeText(ops.ChoiceText(a.lang, c, x))
		case c.Code != "":
			return ops.SafeText(ops.CodeText(a.lang, c, x))
		}
	}
	return a.formatCell(v)
}

// describeValue is a value of column c as one record shows it: as
// formatValue, and an amount of đồng with its words.
func (a *app) describeValue(c *schema.Column, v any) string {
	if n, ok := v.(int64); ok && c.Money {
		return a.amount(n)
	}
	return a.formatValue(c, v)
}

// amount is an amount of đồng as one record shows it (ops.AmountText).
func (a *app) amount(n int64) string { return ops.AmountText(a.lang, n) }

// dateTime is t as people read a time, in every language: on this
// laptop's clock, dd/mm/yyyy HH:MM. Every time a command shows people
// (the last sync, who wrote a conflict when, a clock repair) is written
// by it; --json keeps RFC 3339, for programs.
func (a *app) dateTime(t time.Time) string { return schema.FormatDateTime(t.Local()) }
