package ui

import (
	"context"
	"net/http"
	"strconv"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// conflictsPage is what waits to be settled: the conflicts, each with
// its two values side by side, and the records whose household or
// village was deleted meanwhile, with their three ways to settle; then
// the conflicts settled already.
type conflictsPage struct {
	Open, Resolved []conflictView
	Orphans        []orphanView
}

// conflictView is a conflict as people read it: whose record, which
// field, and each value with who wrote it and when.
type conflictView struct {
	ID, Record, Field, Link, Current string
	Sides                            []sideView
}

// sideView is one value of a conflict.
type sideView struct {
	Write              int // its index among the conflict's writes
	Value, Who, When   string
	Won, Mine, Current bool
}

func (a *App) conflicts(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	names := a.namer(ctx, v)
	views, err := ops.Conflicts(ctx, a.cfg.DB, v.who(), names)
	if err != nil {
		return err
	}
	orphans, err := ops.Orphans(ctx, a.cfg.DB, v.who(), names)
	if err != nil {
		return err
	}
	words, err := a.words(ctx, v.lang)
	if err != nil {
		return err
	}
	var p conflictsPage
	for _, cv := range views {
		c := a.conflictView(ctx, words, cv)
		if cv.Resolved {
			p.Resolved = append(p.Resolved, c)
		} else {
			p.Open = append(p.Open, c)
		}
	}
	for _, o := range orphans {
		p.Orphans = append(p.Orphans, a.orphanView(ctx, v, o))
	}
	return a.render(w, r, "conflicts", "/conflicts", p)
}

// conflictView says conflict cv: the displaced value first, then the
// value kept, as the engine lists them.
func (a *App) conflictView(ctx context.Context, w words, cv syncengine.ConflictView) conflictView {
	c := conflictView{ID: cv.ID, Current: w.cell(cv.Table, cv.Column, cv.Current)}
	if t, ok := schema.TableByName(cv.Table); ok {
		c.Field = w.label(t, cv.Column)
		c.Record = w.T("ui.conflict.record", w.T("table."+t.Name), a.recordName(ctx, w.l, t, cv.Row.String()))
		c.Link = "/records/" + t.Name + "/" + cv.Row.String()
		if t == schema.Households {
			c.Link = "/households/" + cv.Row.String()
		}
	}
	for i, x := range cv.Values {
		s := sideView{Write: i, Value: w.cell(cv.Table, cv.Column, x.Value), Who: w.officer(x.Officer, x.Site),
			When: whenText(w.l, x.WrittenAt, a.cfg.Now()), Won: x.Won, Mine: x.Site == a.cfg.DB.Site()}
		s.Current = x.Value.Equal(cv.Current)
		if s.Value == "" {
			s.Value = w.T("ui.conflict.empty")
		}
		c.Sides = append(c.Sides, s)
	}
	return c
}

// keepValue resolves a conflict keeping one of its values, whoever wrote
// it (ops.ResolveKeeping): an ordinary change, sent at the next sync.
func (a *App) keepValue(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	cv, _, err := ops.FindListed(ctx, a.cfg.DB, v.who(), a.namer(ctx, v), r.PathValue("id"))
	if err != nil {
		return err
	}
	if cv == nil {
		return errNotFound
	}
	write, err := strconv.Atoi(r.PostFormValue("write"))
	if err != nil {
		return errNotFound
	}
	res, err := ops.ResolveKeeping(ctx, a.cfg.DB, *cv, write)
	if err != nil {
		return a.redirect(w, r, "/conflicts", failed("ui.flash.failed", explain(v.lang, err)))
	}
	words := words{l: v.lang}
	return a.redirect(w, r, "/conflicts", done("ui.flash.resolved", words.label(res.Table, res.Column.Name), words.value(res.Column, res.Value)))
}

// orphanView is a record waiting to be settled, with its three ways.
type orphanView struct {
	ID, Record, Why, Deleted string
	Link                     string
	Restore                  string // the restore button's words; "" when it cannot be restored
	Move                     string // the move's words
	MoveTo                   []choice
	Delete                   string
	WithChildren             bool // a household: its records go with it
}

// orphanView says orphan o and how it can be settled.
func (a *App) orphanView(ctx context.Context, v *visit, o reconcile.Orphan) orphanView {
	l := v.lang
	noun := func(table string) string { return i18n.T(l, "noun."+string(ops.NounOf(table))) }
	ov := orphanView{ID: o.ID, Record: reconcile.RecordText(l, o, noun), Why: reconcile.Why(l, o),
		Link: "/records/" + o.Table + "/" + o.Row.String(), Delete: i18n.T(l, "ui.orphan.delete", noun(o.Table)),
		WithChildren: reconcile.DeletesWithChildren(o.Table)}
	if o.Deleted.At != nil {
		ov.Deleted = i18n.T(l, "ui.orphan.deleted", ops.DeletedBy(l, o), ops.DeletedOn(o))
	}
	if o.Deleted.Known {
		ov.Restore = i18n.T(l, "ui.orphan.restore", noun(o.Deleted.Table), o.Deleted.Name)
	}
	target := reconcile.MoveTable(o)
	ov.Move = i18n.T(l, "ui.orphan.move", noun(target.Name))
	rows, err := ops.List(ctx, a.cfg.DB, target, ops.ListQuery{Of: o.Commune})
	if err != nil {
		return ov
	}
	for _, r := range rows {
		if id := r["id"].(string); id != o.Row.String() {
			ov.MoveTo = append(ov.MoveTo, choice{id, ops.SafeText(str(r[target.NameColumn]))})
		}
	}
	return ov
}

// settleOrphan settles a record waiting to be settled the one way the
// officer chose (ops.SettleOrphan).
func (a *App) settleOrphan(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	_, o, err := ops.FindListed(ctx, a.cfg.DB, v.who(), a.namer(ctx, v), r.PathValue("id"))
	if err != nil {
		return err
	}
	if o == nil {
		return errNotFound
	}
	var s ops.Settlement
	switch r.PostFormValue("way") {
	case "restore":
		s.Restore = true
	case "move":
		s.MoveTo = r.PostFormValue("to")
		if s.MoveTo == "" {
			return a.redirect(w, r, "/conflicts#"+o.ID, failed("ui.flash.choose_target"))
		}
	case "delete":
		s.Delete, s.WithChildren = true, r.PostFormValue("with_children") == "1"
	}
	st, err := ops.SettleOrphan(ctx, a.cfg.DB, v.who(), *o, s)
	if err != nil {
		return a.redirect(w, r, "/conflicts", failed("ui.flash.failed", explain(v.lang, err)))
	}
	return a.redirect(w, r, "/conflicts", done("ui.flash.settled."+st.Way, o.Record, st.ToName))
}
