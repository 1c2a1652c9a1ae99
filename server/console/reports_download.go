package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"hodan/indicators"
	"hodan/schema"
)

// download sends the report the form asks for as a file: the periodic
// report (.xlsx), as `hodan-server report indicators --xlsx` writes it,
// or its JSON, as `--json` prints it; of the operator's communes. Every
// download is written to the action log first.
func (c *Console) download(w http.ResponseWriter, r *http.Request, v *visit) error {
	form := readPeriodForm(r.PostForm)
	format := r.PostFormValue("format")
	if format != "xlsx" && format != "json" {
		return &problem{status: http.StatusBadRequest, key: "console.reports.bad_format"}
	}
	period, asOf, ok := form.resolve(v.lang, c.cfg.Now())
	if !ok {
		return &problem{status: http.StatusBadRequest, key: "console.reports.bad_period", args: []any{form.mistake()}}
	}
	ctx := r.Context()
	rep, err := c.compute(ctx, v.user().Communes, indicators.Params{Period: period, AsOf: asOf})
	if err != nil {
		return err
	}
	var body bytes.Buffer
	kind := "application/json; charset=utf-8"
	if format == "xlsx" {
		kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = indicators.WriteXLSX(&body, rep)
	} else {
		enc := json.NewEncoder(&body)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	}
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.Record(ctx, actor(r, v), "report.download", rep.Period.Label, map[string]any{
		"format": format, "from": schema.FormatDay(rep.Period.From), "to": schema.FormatDay(rep.Period.To),
		"as_of": schema.FormatDay(rep.AsOf), "current": rep.Current, "communes": v.user().Communes})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName(rep, format)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(body.Bytes())
	return err
}

// fileName is the name a downloaded report is saved under: the period and
// the day its data is as of, in plain letters any computer keeps.
func fileName(r *indicators.Report, format string) string {
	period := r.Period.Code()
	if period == "" {
		period = r.Period.From.Format("20060102") + "-" + r.Period.To.Format("20060102")
	}
	asOf := r.AsOf.In(schema.Vietnam).Format("20060102")
	return "bao-cao-chi-tieu-" + strings.ToLower(period) + "-den-" + asOf + "." + format
}
