package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hodan/indicators"
	"hodan/internal/i18n"
	"hodan/schema"
)

// targetsPage is the data of the page of the year's targets: the year and
// the commune chosen ("" for the whole server), a field per indicator
// that takes a target, and the progress towards those set.
type targetsPage struct {
	Year     int
	Commune  string
	Years    []int
	Communes []communeChoice
	AllOpen  bool // the operator sees every commune: the whole server's targets too
	Fields   []targetField
	Error    string // a mistake of the form as a whole
	Progress []targetRow
}

// targetField is the field of one indicator's target: what it is, how
// to write it, the value typed or in force, and what is wrong with it.
type targetField struct {
	Key, Name, Unit, Hint, Value, Error string
}

// targetsForm shows the targets of the year and commune the query asks
// for, to set them.
func (c *Console) targetsForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	p, err := c.targetsOf(r, v, r.URL.Query())
	if err != nil {
		return err
	}
	set, err := indicators.TargetsAsOf(r.Context(), c.cfg.DB.SQL(), p.Year, c.cfg.Now().UnixMilli())
	if err != nil {
		return err
	}
	for i, f := range p.Fields {
		for _, t := range set {
			if t.Commune == p.Commune && t.Indicator == f.Key {
				p.Fields[i].Value = schema.FormatDecimal(t.Value, true) // as it is typed, in either language
			}
		}
	}
	return c.render(w, r, http.StatusOK, "targets", "/reports", p)
}

// targetsOf reads the year and commune of form (this year and the
// operator's first commune by default) and lays out the page; a commune
// the operator does not see is refused.
func (c *Console) targetsOf(r *http.Request, v *visit, form url.Values) (*targetsPage, error) {
	u, l := v.user(), v.lang
	now := c.cfg.Now().In(schema.Vietnam)
	p := &targetsPage{Year: now.Year(), AllOpen: len(u.Communes) == 0, Commune: strings.TrimSpace(form.Get("commune"))}
	if y, err := strconv.Atoi(form.Get("year")); err == nil {
		p.Year = y
	}
	if !form.Has("commune") && len(u.Communes) > 0 {
		p.Commune = u.Communes[0]
	}
	if p.Commune != "" && !u.Sees(p.Commune) || p.Commune == "" && !p.AllOpen {
		return nil, forbid("console.refused.commune")
	}
	for y := now.Year() - 1; y <= now.Year()+1; y++ {
		p.Years = append(p.Years, y)
	}
	if !slices.Contains(p.Years, p.Year) {
		p.Years = append(p.Years, p.Year)
	}
	var err error
	if p.Communes, err = c.choices(r.Context(), u, []string{p.Commune}); err != nil {
		return nil, err
	}
	p.Communes = slices.DeleteFunc(p.Communes, func(ch communeChoice) bool { return ch.Code == "" })
	for _, ind := range indicators.Targetable() {
		p.Fields = append(p.Fields, targetField{Key: ind.Key, Name: ind.NameIn(l), Unit: indicators.UnitLabel(l, ind.Unit),
			Hint: ind.DefinitionIn(l) + " " + i18n.T(l, "console.targets.hint."+string(ind.Unit))})
	}
	p.Progress, err = c.progressOf(r, v, p.Year, p.Commune)
	return p, err
}

// progressOf is the plan, what was done and the percent of the targets
// of year in commune ("" for the operator's communes together), in the
// current data.
func (c *Console) progressOf(r *http.Request, v *visit, year int, commune string) ([]targetRow, error) {
	communes := v.user().Communes
	if commune != "" {
		communes = []string{commune}
	}
	rep, err := c.compute(r.Context(), communes, indicators.Params{Period: indicators.Year(year)})
	if err != nil {
		return nil, err
	}
	area := rep.Total
	if commune != "" {
		for _, a := range rep.Communes {
			if a.Commune == commune {
				area = a
			}
		}
	}
	return targetRows(v.lang, []indicators.Area{area}), nil
}

// setTargets sets the year's targets of a commune the operator sees (or
// of the whole server, for an operator of every commune): the fields
// filled in, each checked; nothing is set while one is wrong.
func (c *Console) setTargets(w http.ResponseWriter, r *http.Request, v *visit) error {
	p, err := c.targetsOf(r, v, r.PostForm)
	if err != nil {
		return err
	}
	values := map[string]float64{}
	bad := false
	for i, f := range p.Fields {
		p.Fields[i].Value = strings.TrimSpace(r.PostFormValue(f.Key))
		if p.Fields[i].Value == "" {
			continue
		}
		ind, _ := indicators.ByKey(f.Key)
		n, err := indicators.ReadTarget(ind, p.Fields[i].Value)
		if err != nil {
			p.Fields[i].Error, bad = i18n.Explain(v.lang, err), true
			continue
		}
		values[f.Key] = n
	}
	if !bad {
		err = indicators.SetTargets(r.Context(), c.cfg.DB, p.Year, p.Commune, values, c.cfg.Now())
		if !placeTargetError(v.lang, p, err) {
			return c.targetsSet(w, r, v, p, values, err)
		}
	}
	return c.render(w, r, http.StatusBadRequest, "targets", "/reports", p)
}

// placeTargetError puts a mistake SetTargets found beside its field, or
// on the form; it reports whether there was one.
func placeTargetError(l i18n.Lang, p *targetsPage, err error) bool {
	fe, ok := err.(*indicators.FieldError)
	if !ok {
		return false
	}
	for i, f := range p.Fields {
		if f.Key == fe.Field {
			p.Fields[i].Error = fe.In(l)
			return true
		}
	}
	p.Error = fe.In(l)
	return true
}

// targetsSet ends a setting of targets that SetTargets answered err: it
// writes it to the action log and goes back to the page, saying so.
func (c *Console) targetsSet(w http.ResponseWriter, r *http.Request, v *visit, p *targetsPage, values map[string]float64, err error) error {
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.Record(r.Context(), actor(r, v), "targets.set", strconv.Itoa(p.Year)+" "+p.Commune,
		map[string]any{"year": p.Year, "commune": p.Commune, "targets": values})
	if err != nil {
		return err
	}
	where := i18n.T(v.lang, "console.communes.all")
	if p.Commune != "" {
		where = CommuneName(p.Commune)
	}
	q := url.Values{"year": {strconv.Itoa(p.Year)}, "commune": {p.Commune}}
	return c.redirect(w, r, "/reports/targets?"+q.Encode(), flash{OK: true, Key: "console.flash.targets_set",
		Args: []string{strconv.Itoa(len(values)), strconv.Itoa(p.Year), where}})
}
