package ui

import (
	"encoding/json"
	"net/http"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// syncPage is the page of syncing: the state, the button, what waits to
// be sent, and the changes the server refused, to fix.
type syncPage struct {
	Server  string
	State   syncView
	Pending uint64
	Waiting []string
	Refused []refusedView
	Every   string // how often the app syncs by itself; "" never
}

// refusedView is a change the server refused, as the officer fixes it:
// the record and field, the value, why, and where to change it.
type refusedView struct {
	Record, Field, Value, Reason, Link string
}

func (a *App) syncPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	st, err := ops.ReadStatus(ctx, a.cfg.DB, v.device, a.namer(ctx, v), a.cfg.Now())
	if err != nil {
		return err
	}
	words, err := a.words(ctx, v.lang)
	if err != nil {
		return err
	}
	p := syncPage{Server: v.device.Server, State: a.syncer.view(v.lang, a.cfg.Now(), st.LastSync), Pending: st.Pending,
		Waiting: ops.PendingText(v.lang, st.Waiting)}
	if a.cfg.AutoSync > 0 {
		p.Every = i18n.Span(v.lang, a.cfg.AutoSync)
	}
	for _, rc := range st.Rejected {
		p.Refused = append(p.Refused, a.refusedView(r, words, rc))
	}
	return a.render(w, r, "sync", "/sync", p)
}

// refusedView says a refused change: its record and field by name, and
// the server's reason in the officer's words.
func (a *App) refusedView(r *http.Request, w words, rc syncengine.RejectedChange) refusedView {
	rv := refusedView{Reason: ops.RefusalReason(w.l, rc.Rejection)}
	var c syncengine.Change
	if json.Unmarshal(rc.Change, &c) != nil {
		return rv
	}
	t, ok := schema.TableByName(c.Table)
	if !ok {
		return rv
	}
	if !c.IsExists() {
		rv.Reason = ops.RefusalRule(w.l, rc.Rejection) // the field has its column
	}
	rv.Record = w.T("ui.conflict.record", w.T("table."+t.Name), a.recordName(r.Context(), w.l, t, c.Row.String()))
	rv.Link = "/records/" + t.Name + "/" + c.Row.String() + "/edit"
	if !c.IsExists() {
		rv.Field, rv.Value = w.label(t, c.Column), w.cell(t.Name, c.Column, c.Value)
	}
	return rv
}

// startSync starts a sync now, unless one is under way; the page shows
// its progress.
func (a *App) startSync(w http.ResponseWriter, r *http.Request, v *visit) error {
	if !a.syncer.start(false) {
		return a.redirect(w, r, "/sync", done("ui.flash.sync_running"))
	}
	return a.redirect(w, r, "/sync", done("ui.flash.sync_started"))
}

// syncStateJSON is the state of syncing for the page's script, which
// shows the progress and the result without reloading the page.
type syncStateJSON struct {
	Running bool     `json:"running"`
	Class   string   `json:"class"`
	Text    string   `json:"text"`
	Percent int      `json:"percent"`
	Done    int      `json:"done"`
	Total   int      `json:"total"`
	Result  []string `json:"result"`
}

func (a *App) syncState(w http.ResponseWriter, r *http.Request, v *visit) error {
	st, _ := a.cfg.DB.Status(r.Context()) // the state says what it can
	s := a.syncer.view(v.lang, a.cfg.Now(), st.LastSync)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(syncStateJSON{Running: s.Running, Class: s.Class, Text: s.Text, Percent: s.Percent,
		Done: s.Done, Total: s.Total, Result: s.Result})
}
