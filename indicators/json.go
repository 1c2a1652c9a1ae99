package indicators

import (
	"encoding/json"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
)

// MarshalJSON writes the report for programs: period (from, to as
// 2025-12-31, label), as_of (a day) and current; communes, one object per
// commune, and total, alike: commune (the code, "" for the total), name,
// each single figure under its indicator's key (null when it has none),
// each breakdown under its key as a list of rows (each dimension's value,
// its name for people under <dimension>_name, and the values), and
// targets (indicator, plan, done, percent); devices; and indicators, the
// catalogue of what was computed.
func (r *Report) MarshalJSON() ([]byte, error) {
	communes := make([]map[string]any, len(r.Communes))
	for i := range r.Communes {
		communes[i] = r.areaJSON(&r.Communes[i])
	}
	devices := make([]map[string]any, len(r.Devices))
	for i, d := range r.Devices {
		devices[i] = map[string]any{"id": d.ID, "officer": d.Officer, "communes": d.Communes,
			"enrolled": isoDate(d.Enrolled), "last_sent": optionalDate(d.LastSent), "silent_days": d.SilentDays, "silent": d.Silent}
	}
	catalogue := make([]map[string]any, len(r.Indicators))
	for i, ind := range r.Indicators {
		catalogue[i] = map[string]any{"key": ind.Key, "name": ind.Name, "name_en": ind.NameEN,
			"definition": ind.Definition, "definition_en": ind.DefinitionEN, "basis": ind.Basis,
			"unit": ind.Unit, "section": ind.Section, "formula": ind.Formula, "breakdown": ind.breakdown()}
	}
	return json.Marshal(struct {
		Period     map[string]string `json:"period"`
		AsOf       string            `json:"as_of"`
		Current    bool              `json:"current"`
		Communes   []map[string]any  `json:"communes"`
		Total      map[string]any    `json:"total"`
		Devices    []map[string]any  `json:"devices"`
		Indicators []map[string]any  `json:"indicators"`
	}{
		Period: map[string]string{"from": isoDate(r.Period.From), "to": isoDate(r.Period.To), "label": r.Period.Label},
		AsOf:   isoDate(r.AsOf), Current: r.Current, Communes: communes, Total: r.areaJSON(&r.Total),
		Devices: devices, Indicators: catalogue,
	})
}

func optionalDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return isoDate(*t)
}

func (r *Report) areaJSON(a *Area) map[string]any {
	out := map[string]any{"commune": a.Commune, "name": a.Name}
	for _, ind := range r.Indicators {
		if !ind.breakdown() {
			out[ind.Key] = a.Figures[ind.Key]
			continue
		}
		rows := make([]map[string]any, len(a.Tables[ind.Key]))
		for i, row := range a.Tables[ind.Key] {
			m := map[string]any{}
			for j, d := range ind.Dims {
				m[d.Key], m[d.Key+"_name"] = row.Dims[j], DimLabel(d, row.Dims[j])
			}
			for j, v := range ind.Values {
				m[v.Key] = row.Values[j]
			}
			rows[i] = m
		}
		out[ind.Key] = rows
	}
	targets := make([]map[string]any, len(a.Targets))
	for i, t := range a.Targets {
		targets[i] = map[string]any{"indicator": t.Indicator, "plan": t.Plan, "done": t.Done, "percent": t.Percent}
	}
	out["targets"] = targets
	return out
}

// DimLabel is the name people read for a value of a breakdown's
// dimension: its label in the schema's enumeration, its project's name,
// or the value itself.
func DimLabel(c Column, value string) string { return DimLabelIn(i18n.VI, c, value) }

// DimLabelIn is DimLabel in l: a choice by the schema's label in l, a
// project by its code and its name in l.
func DimLabelIn(l i18n.Lang, c Column, value string) string {
	if value == "" {
		return i18n.T(l, "report.unrecorded")
	}
	if c.Labels == "project" {
		if p, ok := schema.ProjectByCode(value); ok {
			return p.Code + " " + p.NameIn(string(l))
		}
		return value
	}
	table, column, ok := strings.Cut(c.Labels, ".")
	if !ok {
		return value
	}
	return schema.ChoiceLabelIn(string(l), table, column, value)
}
