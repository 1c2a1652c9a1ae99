package ui

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// view is what every page's template gets: the page's own data in Data,
// and what the layout shows.
type view struct {
	Lang    i18n.Lang
	CSRF    string
	Session bool
	Nav     []navItem
	Here    string // the path of the navigation entry of this page
	Flash   *web.Flash
	Path    string // the request's path and query, for the language links
	Officer string
	Commune string
	Top     topState
	Data    any
}

// navItem is an entry of the navigation; Count, when not 0, is shown
// beside it (what waits to be settled).
type navItem struct {
	Path, Label string
	Count       int
}

// topState is what the top bar says of the laptop: the sync, and how
// many changes wait to be sent.
type topState struct {
	Sync    syncView
	Pending uint64
}

// page writes page with data for the visitor of r; here is the path of
// its navigation entry.
func (a *App) page(w http.ResponseWriter, r *http.Request, status int, page, here string, data any) {
	v := visitOf(r)
	vw := view{Lang: v.lang, CSRF: v.csrf, Session: v.session != "", Here: here, Flash: v.flash, Path: r.URL.Path, Data: data}
	if v.device != nil {
		vw.Officer, vw.Commune = v.device.Officer, communeNames(v.device.Communes)
		vw.Nav, vw.Top = a.nav(r.Context(), v)
	}
	if err := a.pages.RenderWith(w, status, page, funcs(v.lang, a.cfg.Now()), vw); err != nil {
		a.cfg.Log.Error("hodan ui: render", "page", page, "err", err)
	}
}

// render is page for a handler, which returns no error of its own.
func (a *App) render(w http.ResponseWriter, r *http.Request, page, here string, data any) error {
	a.page(w, r, http.StatusOK, page, here, data)
	return nil
}

// nav lists the app's pages, with the number of things waiting to be
// settled beside its entry, and the top bar's state.
func (a *App) nav(ctx context.Context, v *visit) ([]navItem, topState) {
	var top topState
	st, _ := a.cfg.DB.Status(ctx) // the top bar says what it can
	top.Pending = st.Pending
	top.Sync = a.syncer.view(v.lang, a.cfg.Now(), st.LastSync)
	waiting := 0
	if n, err := ops.OpenConflicts(ctx, a.cfg.DB, v.who()); err == nil {
		waiting += n
	}
	if orphans, err := ops.Orphans(ctx, a.cfg.DB, v.who(), func(syncengine.SiteID) string { return "" }); err == nil {
		waiting += len(orphans)
	}
	t := func(key string) string { return i18n.T(v.lang, key) }
	return []navItem{
		{Path: "/", Label: t("ui.nav.home")},
		{Path: "/households", Label: t("ui.nav.households")},
		{Path: "/villages", Label: t("ui.nav.villages")},
		{Path: "/conflicts", Label: t("ui.nav.conflicts"), Count: waiting},
		{Path: "/duplicates", Label: t("ui.nav.duplicates")},
		{Path: "/import", Label: t("ui.nav.import")},
		{Path: "/sync", Label: t("ui.nav.sync")},
	}, top
}

// communeNames names communes for people: "Xã Lạc Lương".
func communeNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = schema.CommuneName(c)
	}
	return strings.Join(names, ", ")
}

// funcs are the functions templates call, in l, at now.
func funcs(l i18n.Lang, now time.Time) template.FuncMap {
	return template.FuncMap{
		"t":      func(key string, args ...any) string { return i18n.T(l, key, args...) },
		"count":  func(n any, key string) string { return i18n.Count(l, toInt(n), key) },
		"num":    func(n any) string { return i18n.Whole(l, int64(toInt(n))) },
		"vnd":    func(n int64) string { return ops.VND(l, n) },
		"tflash": func(f *web.Flash) string { return f.Text(l) },
		"when":   func(t time.Time) string { return whenText(l, t, now) },
		"date":   func(t time.Time) string { return ops.DateText(t) },
		"langs":  func() []i18n.Lang { return i18n.Langs },
		"csrf":   func() string { return web.CSRFField },
		"once":   onceToken,
		"sub":    func(a, b int) int { return a - b },
		"dict":   dict,
	}
}

// whenText says when t was, as people read it: the time of day with
// "today" or "yesterday", else the date and the time.
func whenText(l i18n.Lang, t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t, now = t.Local(), now.Local()
	day := func(t time.Time) time.Time { y, m, d := t.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	switch int(day(now).Sub(day(t)).Hours() / 24) {
	case 0:
		return i18n.T(l, "ui.when.today", t.Format("15:04"))
	case 1:
		return i18n.T(l, "ui.when.yesterday", t.Format("15:04"))
	}
	return schema.FormatDateTime(t)
}

// dict makes a map of its arguments, key then value, for a template
// that calls another with more than one value.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

func toInt(n any) int {
	switch x := n.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case uint64:
		return int(x)
	}
	return 0
}
