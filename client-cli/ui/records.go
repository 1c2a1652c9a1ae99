package ui

import (
	"context"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// Adding, changing and deleting a record: its form is laid out from the
// schema (recordform.go), every field is checked by its column's rule and
// refused beside it, and ops writes it in one transaction.

// tableOf is the table a request names ({table}).
func tableOf(r *http.Request) (*schema.Table, error) {
	if t, ok := schema.TableByName(r.PathValue("table")); ok {
		return t, nil
	}
	return nil, errNotFound
}

// newRecord shows the form of a new record; a record of a household
// names it (?household=).
func (a *App) newRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := tableOf(r)
	if err != nil {
		return err
	}
	text := map[string]string{}
	if t.ParentColumn != "" {
		text[t.ParentColumn] = r.URL.Query().Get("household")
	}
	if _, dated := t.Column(schema.ColVisitDate); dated {
		if day, err := a.day(r.Context()); err == nil && day.Date != "" {
			text[schema.ColVisitDate] = ops.DateText(a.cfg.Now())
		}
	}
	f, err := a.addForm(r.Context(), v, t, text)
	if err != nil {
		return err
	}
	return a.render(w, r, "record_form", here(t), f)
}

// addForm is the form of a new record of t holding text.
func (a *App) addForm(ctx context.Context, v *visit, t *schema.Table, text map[string]string) (*recordForm, error) {
	f, err := a.buildForm(ctx, v.lang, v.who(), t, text, true)
	if err != nil {
		return nil, err
	}
	f.Title, f.Action, f.Submit = i18n.T(v.lang, "ui.add."+t.Name), "/records/"+t.Name+"/new", i18n.T(v.lang, "ui.form.save")
	f.Cancel = "/households"
	if parent := text[t.ParentColumn]; parent != "" {
		f.Cancel = "/households/" + parent
		f.Lead = i18n.T(v.lang, "ui.form.of_household", a.householdName(ctx, v.lang, parent))
	}
	if t == schema.Villages {
		f.Cancel = "/villages"
	}
	return f, nil
}

// addRecord checks and writes a new record; the form comes back with the
// reasons beside the fields refused.
func (a *App) addRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := tableOf(r)
	if err != nil {
		return err
	}
	f, err := a.addForm(r.Context(), v, t, map[string]string{t.ParentColumn: r.PostFormValue(t.ParentColumn)})
	if err != nil {
		return err
	}
	values, ok := f.read(v.lang, t, r.PostFormValue, nil)
	if !ok {
		return a.formAgain(w, r, t, f)
	}
	day, err := a.day(r.Context())
	if err != nil {
		return err
	}
	if t == schema.SupportRecords && r.PostFormValue("repeat_ok") == "" {
		o, err := ops.SupportRepeats(r.Context(), a.cfg.DB, v.who(), values, day)
		if err != nil {
			f.refuse(v.lang, err)
			return a.formAgain(w, r, t, f)
		}
		if o != nil {
			f.Repeat = a.repeatView(r.Context(), v.lang, o, "ui.repeat")
			return a.formAgain(w, r, t, f)
		}
	}
	id, err := ops.AddRecord(r.Context(), a.cfg.DB, v.who(), t, values, day)
	if err != nil {
		f.refuse(v.lang, err)
		return a.formAgain(w, r, t, f)
	}
	return a.redirect(w, r, afterWrite(t, id.String(), values), done("ui.flash.added."+t.Name, a.recordName(r.Context(), v.lang, t, id.String())))
}

// formAgain shows a form again with what was refused: 422.
func (a *App) formAgain(w http.ResponseWriter, r *http.Request, t *schema.Table, f *recordForm) error {
	a.page(w, r, http.StatusUnprocessableEntity, "record_form", here(t), f)
	return nil
}

// afterWrite is where the officer goes after writing a record of t: the
// household it is of, or the list of villages.
func afterWrite(t *schema.Table, id string, values map[string]any) string {
	switch {
	case t == schema.Households:
		return "/households/" + id
	case t == schema.Villages:
		return "/villages"
	}
	parent, _ := values[t.ParentColumn].(string)
	return "/households/" + parent + "#" + t.Name
}

// editRecord shows the form of a record as stored.
func (a *App) editRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, rec, err := a.recordOf(r, v)
	if err != nil {
		return err
	}
	f, err := a.editForm(r.Context(), v, t, rec, storedText(t, rec))
	if err != nil {
		return err
	}
	return a.render(w, r, "record_form", here(t), f)
}

// editForm is the form of record rec of t, holding text.
func (a *App) editForm(ctx context.Context, v *visit, t *schema.Table, rec ops.Record, text map[string]string) (*recordForm, error) {
	f, err := a.buildForm(ctx, v.lang, v.who(), t, text, false)
	if err != nil {
		return nil, err
	}
	id := rec["id"].(string)
	name := a.recordName(ctx, v.lang, t, id)
	f.Title = i18n.T(v.lang, "ui.edit.title", i18n.T(v.lang, "noun."+t.Noun), name)
	f.Action, f.Cancel, f.Submit = "/records/"+t.Name+"/"+id+"/edit", recordPath(t, id, rec), i18n.T(v.lang, "ui.form.save_changes")
	return f, nil
}

// updateRecord checks and writes the fields the officer changed.
func (a *App) updateRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, rec, err := a.recordOf(r, v)
	if err != nil {
		return err
	}
	was := storedText(t, rec)
	f, err := a.editForm(r.Context(), v, t, rec, was)
	if err != nil {
		return err
	}
	values, ok := f.read(v.lang, t, r.PostFormValue, was)
	if !ok {
		return a.formAgain(w, r, t, f)
	}
	id := rec["id"].(string)
	if len(values) == 0 {
		return a.redirect(w, r, recordPath(t, id, rec), done("ui.flash.unchanged"))
	}
	if _, err := ops.UpdateRecord(r.Context(), a.cfg.DB, v.who(), t, id, values); err != nil {
		f.refuse(v.lang, err)
		return a.formAgain(w, r, t, f)
	}
	return a.redirect(w, r, recordPath(t, id, rec), done("ui.flash.changed", i18n.Count(v.lang, len(values), "ui.count.fields")))
}

// recordOf is the record of the table a request names, {id}.
func (a *App) recordOf(r *http.Request, v *visit) (*schema.Table, ops.Record, error) {
	t, err := tableOf(r)
	if err != nil {
		return nil, nil, err
	}
	shown, err := ops.Show(r.Context(), a.cfg.DB, v.who(), a.namer(r.Context(), v), t, r.PathValue("id"))
	return t, shown.Record, err
}

// recordPath is the page a record is shown on: its household's, a
// household's own, or its own.
func recordPath(t *schema.Table, id string, rec ops.Record) string {
	switch {
	case t == schema.Households:
		return "/households/" + id
	case t == schema.Villages:
		return "/villages"
	}
	if parent, ok := rec[t.ParentColumn].(string); ok {
		return "/households/" + parent + "#" + t.Name
	}
	return "/records/" + t.Name + "/" + id
}

// deletePage is what the page asking to confirm a delete shows.
type deletePage struct {
	Table, ID, Title, Name, Back string
	Children                     bool // a household: its records may go with it
	Problem                      string
}

// confirmDelete asks before deleting a record.
func (a *App) confirmDelete(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, rec, err := a.recordOf(r, v)
	if err != nil {
		return err
	}
	return a.render(w, r, "delete", here(t), a.deletePage(r.Context(), v, t, rec))
}

func (a *App) deletePage(ctx context.Context, v *visit, t *schema.Table, rec ops.Record) deletePage {
	id := rec["id"].(string)
	return deletePage{Table: t.Name, ID: id, Name: a.recordName(ctx, v.lang, t, id), Back: recordPath(t, id, rec),
		Title: i18n.T(v.lang, "ui.delete.title", i18n.T(v.lang, "noun."+t.Noun)), Children: reconcile.DeletesWithChildren(t.Name)}
}

// deleteRecord deletes a record, with its own records when the officer
// said so; a refusal (records still under it) is said on the page.
func (a *App) deleteRecord(w http.ResponseWriter, r *http.Request, v *visit) error {
	t, rec, err := a.recordOf(r, v)
	if err != nil {
		return err
	}
	id := rec["id"].(string)
	name := a.recordName(r.Context(), v.lang, t, id)
	if _, err := ops.DeleteRecord(r.Context(), a.cfg.DB, v.who(), t, id, r.PostFormValue("with_children") == "1"); err != nil {
		p := a.deletePage(r.Context(), v, t, rec)
		p.Problem = explain(v.lang, err)
		a.page(w, r, http.StatusUnprocessableEntity, "delete", here(t), p)
		return nil
	}
	back := "/households"
	switch parent, _ := rec[t.ParentColumn].(string); {
	case t == schema.Villages:
		back = "/villages"
	case parent != "":
		back = "/households/" + parent
	}
	return a.redirect(w, r, back, done("ui.flash.deleted."+t.Name, name))
}

// here is the navigation entry of a table's pages.
func here(t *schema.Table) string {
	if t == schema.Villages {
		return "/villages"
	}
	return "/households"
}

// recordName names a record for people: a household by its head, a
// member or a village by its name, any other by what it is (t.Names:
// "Hỗ trợ làm nhà mới, 40.000.000 đ").
func (a *App) recordName(ctx context.Context, l i18n.Lang, t *schema.Table, id string) string {
	shown, err := ops.Show(ctx, a.cfg.DB, ops.Actor{}, func(syncengine.SiteID) string { return "" }, t, id)
	if err != nil {
		return ""
	}
	w, err := a.words(ctx, l)
	if err != nil {
		return ""
	}
	return w.name(t, shown.Record)
}

// name is how people know record r of t (t.Names, said): a household's
// number is said as one ("hộ số 12"), not left bare beside the head's name.
func (w words) name(t *schema.Table, r ops.Record) string {
	var parts []string
	for _, col := range t.Names {
		c, _ := t.Column(col)
		s := w.value(c, r[col])
		if s != "" && col == schema.ColHouseholdNumber {
			s = w.T("findings.household_number", s)
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// householdName is how people know household id, in l: its head's name
// and its number.
func (a *App) householdName(ctx context.Context, l i18n.Lang, id string) string {
	return a.recordName(ctx, l, schema.Households, id)
}

// day is the day the laptop records for (ops.Day): today, or none when
// its clock cannot be right.
func (a *App) day(ctx context.Context) (ops.Day, error) {
	now := a.cfg.Now()
	doubt, err := ops.DoubtClock(ctx, a.cfg.DB, now)
	return ops.DayOf(now, doubt), err
}

// namer names the officers who wrote from other laptops, as far as this
// one knows them.
func (a *App) namer(ctx context.Context, v *visit) ops.Namer {
	names, err := ops.DeviceOfficers(ctx, a.cfg.DB, v.device)
	if err != nil {
		return func(syncengine.SiteID) string { return "" }
	}
	return names
}

// errNotFound is the error of a page that is not: 404.
var errNotFound = i18n.NewError("ui.error.not_found")
