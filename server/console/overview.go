package console

import (
	"net/http"

	"hodan/internal/i18n"
	"hodan/server/accounts"
)

// overviewPage is the data of the overview.
type overviewPage struct {
	Communes   []communeRow
	Households int64
	Laptops    int
	Silent     int
	Conflicts  int
	Chart      barChart
	// CanConflicts: the operator may resolve conflicts, and the counts
	// link to the page of conflicts.
	CanConflicts bool
}

// overview shows each commune the operator sees: households, laptops,
// freshness, open conflicts, and a chart of households per commune.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, v *visit) error {
	laptops, err := c.laptopsOf(r.Context(), v.user())
	if err != nil {
		return err
	}
	rows, err := c.communesOf(r.Context(), v.user(), laptops)
	if err != nil {
		return err
	}
	p := overviewPage{Communes: rows, CanConflicts: v.user().Can(accounts.Reconcile)}
	bars := make([]barRow, len(rows))
	for i, row := range rows {
		p.Households += row.Households
		p.Conflicts += row.Conflicts
		bars[i] = barRow{Label: row.Name, Value: float64(row.Households), Text: Number(v.lang, row.Households)}
	}
	for _, l := range laptops {
		if !l.Revoked() {
			p.Laptops++
		}
		if l.Silent(c.cfg.Now()) {
			p.Silent++
		}
	}
	p.Chart = newBarChart("chart", i18n.T(v.lang, "console.overview.chart"), bars, chartWidth)
	return c.render(w, r, http.StatusOK, "overview", "/overview", p)
}
