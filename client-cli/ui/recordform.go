package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
)

// field is one field of a record's form, as the template draws it: its
// widget (Kind), the text it holds, its choices, and beside it the hint
// and the reason a value was refused.
type field struct {
	Name, Label, Hint, Error string
	// Kind is the widget: "text", "textarea", "number", "money", "date",
	// "select", "radio", "yesno" or "hidden".
	Kind      string
	Value     string
	Choices   []choice
	Required  bool
	Autofocus bool
	Wide      bool
	Unit      string // beside a number: "đồng"
	// When and Equals make a field asked only when the field named When
	// holds Equals: a script hides it otherwise, and the answer is not
	// kept if given.
	When, Equals string
}

// choice is one choice of a select or radio field.
type choice struct {
	Value, Label string
}

// fieldGroup is fields under a heading; a group Folded is drawn closed
// until the officer opens it (or a field in it was refused).
type fieldGroup struct {
	Title  string
	Hint   string
	Folded bool
	Fields []*field
}

// formSpec is how the app lays out the form of a table: the columns no
// one types are left out (hodan fills them), the others in groups.
type formSpec struct {
	first  []string            // the columns asked first, in this order
	groups map[string][]string // a folded group's title key to its columns
	order  []string            // the folded groups, in order
}

// notTyped are the columns a form never shows: filled by hodan (the
// officer, a code's code system, the poverty standard in force, a
// visit's form), kept only by guided visits (a support record's visit),
// or written only by its own commands.
var notTyped = []string{schema.ColEthnicitySystem, schema.ColPovertyStandard, schema.ColFormID, schema.ColFormVersion, schema.ColAnswers, schema.ColVisitID}

// specs are the layouts of the tables whose forms are not simply their
// columns in order.
var specs = map[string]formSpec{
	schema.Households.Name: {
		first: []string{schema.ColHeadName, schema.ColHeadBirthYear, "head_sex", schema.ColEthnicityCode, schema.ColVillageID,
			schema.ColHouseholdNumber, schema.ColPhone, "address", "housing_condition", "water_source", "hygienic_latrine", schema.ColNotes},
		order: []string{"ui.form.group.poverty", "ui.form.group.place"},
		groups: map[string][]string{
			"ui.form.group.poverty": {schema.ColPovertyStatus, schema.ColPovertyYear, schema.ColIncomeScore, schema.ColDeprivationScore,
				"dep_employment", "dep_dependents", "dep_nutrition", "dep_health_insurance", "dep_adult_education", "dep_child_schooling",
				"dep_housing_quality", "dep_housing_area", "dep_clean_water", "dep_hygienic_toilet", "dep_telecom", "dep_information_access"},
			"ui.form.group.place": {"latitude", "longitude"},
		},
	},
	schema.Visits.Name: {order: []string{"ui.form.group.place"}, groups: map[string][]string{"ui.form.group.place": {"latitude", "longitude"}}},
}

// recordForm is a record's form: its fields, grouped, with what was
// typed or is stored, and the reasons of what was refused.
type recordForm struct {
	Table   string
	Title   string
	Lead    string
	Action  string
	Cancel  string
	Submit  string
	Hidden  []*field
	Fields  []*field
	Groups  []fieldGroup
	Problem string // a refusal that is no one field's
	// Repeat is the support the household already received of the
	// kind being recorded (ops.SupportRepeats), asked to confirm.
	Repeat *repeatView
	fields map[string]*field
}

// buildForm lays out the form of t for who: every column an officer
// types, its text from text (what was typed, or the record as stored,
// said as it is typed), its choices from what the laptop holds. adding
// is false for an edit: what cannot change is left out.
func (a *App) buildForm(ctx context.Context, l i18n.Lang, who ops.Actor, t *schema.Table, text map[string]string, adding bool) (*recordForm, error) {
	w, err := a.words(ctx, l)
	if err != nil {
		return nil, err
	}
	villages, err := a.villageChoices(ctx, who)
	if err != nil {
		return nil, err
	}
	f := &recordForm{Table: t.Name, fields: map[string]*field{}}
	spec := specs[t.Name]
	placed := map[string]bool{}
	add := func(col string) *field {
		c, ok := t.Column(col)
		if !ok || placed[col] || c.Officer || c.Internal || slices.Contains(notTyped, col) || (!adding && (c.Immutable || col == t.ScopeColumn)) {
			return nil
		}
		placed[col] = true
		fd := w.field(t, c, text[col], villages, who)
		f.fields[col] = fd
		if fd.Kind == "hidden" {
			f.Hidden = append(f.Hidden, fd)
			return nil
		}
		return fd
	}
	for _, col := range spec.first {
		if fd := add(col); fd != nil {
			f.Fields = append(f.Fields, fd)
		}
	}
	grouped := map[string]bool{}
	for _, cols := range spec.groups {
		for _, col := range cols {
			grouped[col] = true
		}
	}
	for _, c := range t.Columns {
		if !grouped[c.Name] {
			if fd := add(c.Name); fd != nil {
				f.Fields = append(f.Fields, fd)
			}
		}
	}
	for _, key := range spec.order {
		g := fieldGroup{Title: w.T(key), Hint: w.T(key + "_hint"), Folded: true}
		for _, col := range spec.groups[key] {
			if fd := add(col); fd != nil {
				g.Fields = append(g.Fields, fd)
			}
		}
		f.Groups = append(f.Groups, g)
	}
	if len(f.Fields) > 0 {
		f.Fields[0].Autofocus = true
	}
	return f, nil
}

// field is the form field of column c of t holding text.
func (w words) field(t *schema.Table, c *schema.Column, text string, villages []choice, who ops.Actor) *field {
	fd := &field{Name: c.Name, Label: w.label(t, c.Name), Value: text, Required: c.Required, Kind: "text"}
	switch {
	case c.Name == t.ParentColumn:
		fd.Kind = "hidden"
	case c.Name == t.ScopeColumn:
		fd.Kind, fd.Choices = "select", communeChoices(who.Communes)
		if len(who.Communes) == 1 {
			fd.Kind, fd.Value = "hidden", who.Communes[0]
		}
	case c.Refers == schema.Villages.Name:
		fd.Kind, fd.Choices, fd.Hint = "select", villages, w.T("ui.form.village_hint")
	case len(c.Enum) > 0:
		fd.Kind = "select"
		for _, ch := range c.Enum {
			fd.Choices = append(fd.Choices, choice{ch.Value, ops.ChoiceText(w.l, c, ch.Value)})
		}
		if len(c.Enum) <= 3 {
			fd.Kind = "radio"
		}
	case c.Code == schema.CodeEthnicGroup:
		fd.Kind = "select"
		for _, g := range schema.EthnicGroups() {
			fd.Choices = append(fd.Choices, choice{g.Code, g.Name})
		}
	case c.Code == schema.CodeProject1719:
		fd.Kind = "select"
		for _, p := range schema.Projects1719() {
			fd.Choices = append(fd.Choices, choice{p.Code, p.Code + " — " + p.NameIn(string(w.l))})
		}
	case c.Type == schema.Bool:
		fd.Kind = "yesno"
		fd.Choices = []choice{{"1", w.T("ui.yes")}, {"0", w.T("ui.no")}, {"", w.T("ui.unknown")}}
	case c.Type == schema.Date:
		fd.Kind, fd.Hint = "date", w.T("ui.form.date_hint")
	case c.Money:
		fd.Kind, fd.Unit, fd.Hint = "money", w.T("ui.form.dong"), w.T("ui.form.money_hint")
	case c.Type == schema.Integer || c.Type == schema.Real:
		fd.Kind = "number"
		if c.Max > c.Min && !c.Grouped() {
			fd.Hint = w.T("ui.form.range", i18n.Number(w.l, schema.FormatDecimal(c.Min, false)), i18n.Number(w.l, schema.FormatDecimal(c.Max, false)))
		}
	case c.MultiLine:
		fd.Kind, fd.Wide = "textarea", true
	}
	if fd.Kind == "select" && longestChoice(fd.Choices) > halfRowRunes {
		fd.Wide = true // a select cuts what does not fit: "… (QĐ 171"
	}
	return fd
}

// halfRowRunes is about what a select in half a form's row shows whole.
const halfRowRunes = 44

// longestChoice is the length of the longest label of choices, in runes.
func longestChoice(choices []choice) int {
	n := 0
	for _, c := range choices {
		n = max(n, utf8.RuneCountInString(c.Label))
	}
	return n
}

// communeChoices are communes by name.
func communeChoices(codes []string) []choice {
	out := make([]choice, len(codes))
	for i, c := range codes {
		out[i] = choice{c, schema.CommuneName(c)}
	}
	return out
}

// villageChoices are the villages of who's communes, by name.
func (a *App) villageChoices(ctx context.Context, who ops.Actor) ([]choice, error) {
	villages, err := ops.List(ctx, a.cfg.DB, schema.Villages, ops.ListQuery{Communes: who.Communes})
	if err != nil {
		return nil, err
	}
	out := make([]choice, len(villages))
	for i, v := range villages {
		out[i] = choice{v["id"].(string), ops.SafeText(v[schema.ColName].(string))}
	}
	slices.SortFunc(out, func(x, y choice) int { return compareNames(x.Label, y.Label) })
	return out, nil
}

// typedText is a stored value as the officer types it: numbers the
// Vietnamese way (which Column.Parse reads back in every language),
// dates dd/mm/yyyy, yes/no as 1 or 0.
func typedText(c *schema.Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		if c.Type == schema.Bool {
			return strconv.FormatInt(x, 10)
		}
		return c.Format(x)
	case float64:
		return c.Format(x)
	case string:
		if d, err := time.Parse(time.DateOnly, x); err == nil && c.Type == schema.Date {
			return schema.FormatDate(d)
		}
		return x
	}
	return ""
}

// storedText is every column of r as the officer types it.
func storedText(t *schema.Table, r ops.Record) map[string]string {
	out := map[string]string{}
	for i := range t.Columns {
		c := &t.Columns[i]
		out[c.Name] = typedText(c, r[c.Name])
	}
	return out
}

// read reads what the officer typed into f's fields: the values, parsed
// by each column's rule, or the reason beside each field refused. With
// was, an edit's stored text, only the fields that changed are values.
func (f *recordForm) read(l i18n.Lang, t *schema.Table, form func(string) string, was map[string]string) (map[string]any, bool) {
	values, ok := map[string]any{}, true
	for name, fd := range f.fields {
		fd.Value = form(name)
		if was != nil && fd.Value == was[name] {
			continue
		}
		c, _ := t.Column(name)
		v, err := c.Parse(fd.Value)
		if err == nil {
			err = c.Check(v)
		}
		switch {
		case err != nil:
			fd.Error, ok = reason(l, err), false
		case v != nil || was != nil:
			values[name] = v
		}
	}
	return values, ok
}

// refuse puts the reason an operation refused values beside the field it
// names, or above the form.
func (f *recordForm) refuse(l i18n.Lang, err error) {
	var se *schema.Error
	if errors.As(err, &se) {
		if fd, ok := f.fields[se.Column]; ok && fd.Kind != "hidden" {
			fd.Error = reason(l, err)
			return
		}
	}
	f.Problem = explain(l, err)
}

// reason says why a value was refused, without naming the field it is
// shown beside.
func reason(l i18n.Lang, err error) string {
	var se *schema.Error
	if errors.As(err, &se) {
		if se.Code == schema.CodeRequired {
			return i18n.T(l, "ui.form.required")
		}
		if text, ok := ops.SchemaReason(l, se); ok {
			return text
		}
	}
	return explain(l, err)
}

// invalid reports whether a field of a group was refused: the group is
// drawn open.
func (g fieldGroup) Invalid() bool {
	for _, f := range g.Fields {
		if f.Error != "" {
			return true
		}
	}
	return false
}
