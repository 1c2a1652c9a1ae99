package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"hodan/indicators"
	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/server/accounts"
)

// reportsPage is the data of the page of the programme's indicators.
type reportsPage struct {
	Form          periodForm
	Report        *reportView // nil while the form has a mistake
	Fresh         *freshness
	CanSetTargets bool
}

// periodForm is the picker of a report's period and as-of day, as the
// operator filled it: a period from the list (Kind "period"), or days
// (Kind "days"), and the as-of day ("" for now).
type periodForm struct {
	Kind, Period, From, To, AsOf string
	Choices                      []periodGroup
	Errors                       map[string]string // field: message
}

// periodGroup is a group of the list of periods: the years, the halves,
// the quarters, the months.
type periodGroup struct {
	Label   string
	Options []periodOption
}

// periodOption is a period of the list.
type periodOption struct {
	Code, Label string
	Selected    bool
}

// readPeriodForm reads the picker from the request's query.
func readPeriodForm(q url.Values) periodForm {
	f := periodForm{Kind: q.Get("kind"), Period: q.Get("period"), From: q.Get("from"), To: q.Get("to"), AsOf: q.Get("as_of")}
	if f.Kind != "days" {
		f.Kind = "period"
	}
	return f
}

// request is the report the form asks for.
func (f periodForm) request() indicators.Request {
	r := indicators.Request{AsOf: f.AsOf}
	if f.Kind == "days" {
		r.From, r.To = f.From, f.To
	} else {
		r.Period = f.Period
	}
	return r
}

// query is the form as the query of a link or a hidden field's source.
func (f periodForm) query() url.Values {
	q := url.Values{"kind": {f.Kind}}
	for k, v := range map[string]string{"period": f.Period, "from": f.From, "to": f.To, "as_of": f.AsOf} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// resolve reads the period and as-of day the form asks for, at now; a
// mistake goes beside its field, said in l.
func (f *periodForm) resolve(l i18n.Lang, now time.Time) (indicators.Period, time.Time, bool) {
	p, asOf, err := f.request().Resolve(now)
	if err != nil {
		field := "period"
		var fe *indicators.FieldError
		if errors.As(err, &fe) && fe.Field != "" {
			field = fe.Field
		}
		f.Errors = map[string]string{field: i18n.Explain(l, err)}
		return p, asOf, false
	}
	if f.Kind == "period" && f.Period == "" {
		f.Period = p.Code()
	}
	return p, asOf, true
}

// mistake is what resolve found wrong with the form ("" for nothing).
func (f periodForm) mistake() string {
	for _, field := range []string{"period", "from", "to", "as_of"} {
		if msg := f.Errors[field]; msg != "" {
			return msg
		}
	}
	return ""
}

// choose lists the periods to pick from: this year and the two before,
// the halves of this year and the last, the last eight quarters, the
// last twelve months; the form's own is selected.
func (f *periodForm) choose(l i18n.Lang, now time.Time) {
	now = now.In(schema.Vietnam)
	y, m := now.Year(), int(now.Month())
	group := func(key string, codes []string) {
		g := periodGroup{Label: i18n.T(l, key)}
		for _, code := range codes {
			if p, err := indicators.ParsePeriod(code); err == nil {
				g.Options = append(g.Options, periodOption{Code: code, Label: p.Name(l), Selected: code == f.Period})
			}
		}
		f.Choices = append(f.Choices, g)
	}
	var years, halves, quarters, months []string
	for i := range 3 {
		years = append(years, strconv.Itoa(y-i))
	}
	for i := range 4 {
		n := y*2 + (m-1)/6 - i // halves since year 0
		halves = append(halves, strconv.Itoa(n/2)+"-H"+strconv.Itoa(n%2+1))
	}
	for _, q := range indicators.Quarters(now, 8) {
		quarters = append([]string{q.Code()}, quarters...)
	}
	for i := range 12 {
		d := time.Date(y, time.Month(m-i), 1, 0, 0, 0, 0, schema.Vietnam)
		months = append(months, d.Format("2006-01"))
	}
	group("console.reports.years", years)
	group("console.reports.halves", halves)
	group("console.reports.quarters", quarters)
	group("console.reports.months", months)
}

// reports shows the programme's indicators of the operator's communes for
// the period the form asks for, with charts, targets and the data's
// freshness.
func (c *Console) reports(w http.ResponseWriter, r *http.Request, v *visit) error {
	now := c.cfg.Now()
	p := reportsPage{Form: readPeriodForm(r.URL.Query()), CanSetTargets: v.user().Can(accounts.SetTargets)}
	period, asOf, ok := p.Form.resolve(v.lang, now)
	p.Form.choose(v.lang, now)
	if !ok {
		return c.render(w, r, http.StatusBadRequest, "reports", "/reports", p)
	}
	ctx := r.Context()
	rep, err := c.compute(ctx, v.user().Communes, indicators.Params{Period: period, AsOf: asOf})
	if err != nil {
		return err
	}
	p.Report = newReportView(v.lang, rep, p.Form)
	if err := c.drawCharts(ctx, v, rep, p.Report); err != nil {
		return err
	}
	if p.Fresh, err = c.freshness(ctx, v); err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "reports", "/reports", p)
}

// compute makes the report p asks for, of communes (nil: every commune),
// at the console's clock.
func (c *Console) compute(ctx context.Context, communes []string, p indicators.Params) (*indicators.Report, error) {
	devices, err := c.cfg.Registry.Devices(ctx)
	if err != nil {
		return nil, err
	}
	p.Now, p.Communes = c.cfg.Now(), communes
	p.Devices, p.Counters = indicators.DevicesOf(devices), indicators.Counters(c.cfg.DB)
	return indicators.Compute(ctx, c.cfg.DB, p)
}
