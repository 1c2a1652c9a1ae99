package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
)

// exportPage offers every table, and the visits report, as a file.
type exportPage struct {
	Tables   []choice
	Communes []choice
}

// visitsReport is the name of the visits report among the tables.
const visitsReport = "visits-report"

func (a *App) exportPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	p := exportPage{}
	for _, t := range schema.Tables() {
		p.Tables = append(p.Tables, choice{t.Name, i18n.T(v.lang, "table."+t.Name)})
	}
	p.Tables = append(p.Tables, choice{visitsReport, i18n.T(v.lang, "ui.export.visits_report")})
	if len(v.who().Communes) > 1 {
		p.Communes = communeChoices(v.who().Communes)
	}
	return a.render(w, r, "export", "/import", p)
}

// exportFile answers a table, or the visits report, as an .xlsx or .csv
// file to save (ops.TableGrid, ops.VisitsReport).
func (a *App) exportFile(w http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	opts := ops.ExportOptions{Commune: q.Get("commune")}
	if opts.Commune != "" && !v.who().InScope(opts.Commune) {
		return errNotFound
	}
	var grid *ops.Grid
	var err error
	name := q.Get("table")
	if name == visitsReport {
		if opts.From, opts.To, err = ops.ReportPeriod(q.Get("from"), q.Get("to")); err == nil {
			grid, err = ops.VisitsReport(r.Context(), a.cfg.DB, v.lang, opts)
		}
	} else if t, ok := ops.ExportTable(name); ok {
		grid, err = ops.TableGrid(r.Context(), a.cfg.DB, t, opts)
	} else {
		return errNotFound
	}
	if err != nil {
		return a.redirect(w, r, "/export", failed("ui.flash.failed", explain(v.lang, err)))
	}
	var body bytes.Buffer
	format := "xlsx"
	if q.Get("format") == "csv" {
		format, err = "csv", ops.WriteCSV(&body, grid)
	} else {
		err = ops.WriteXLSX(&body, grid)
	}
	if err != nil {
		return err
	}
	file := fmt.Sprintf("%s-%s.%s", strings.ReplaceAll(name, "_", "-"), a.cfg.Now().Format("2006-01-02"), format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Content-Type", map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}[format])
	_, err = w.Write(body.Bytes())
	return err
}
