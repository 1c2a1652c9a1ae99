package console

import (
	"html/template"
	"net/http"
	"time"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/server/accounts"
)

// flash is the message a page shows after the action that redirected to
// it (web.Flash); only messages of the console's catalogue are shown.
type flash = web.Flash

// redirect ends an action: to path, with a message for the next page.
func (c *Console) redirect(w http.ResponseWriter, r *http.Request, path string, f flash) error {
	c.cookies().Redirect(w, r, path, flashCookie, f)
	return nil
}

// view is what every page's template gets: the page's own data in Data,
// and what the layout shows.
type view struct {
	Lang  i18n.Lang
	User  *accounts.User
	CSRF  string
	Nav   []navItem
	Here  string // the path of the navigation entry of this page
	Flash *flash
	Path  string // the request's path, for the language links
	Data  any
}

// navItem is an entry of the navigation.
type navItem struct {
	Path, Label string
}

// render writes page with data for the visitor of r.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page, here string, data any) error {
	v := visitOf(r)
	vw := view{Lang: v.lang, User: v.user(), Here: here, Flash: v.flash, Path: r.URL.Path, Data: data}
	if v.session != nil {
		vw.CSRF = v.session.CSRF
		vw.Nav = c.nav(v)
	}
	return c.pages.RenderWith(w, status, page, funcs(v, c.cfg.Now()), vw)
}

// nav lists the entries the operator of v may use: the console's own
// pages, with the sections given in the middle.
func (c *Console) nav(v *visit) []navItem {
	entries := []Section{
		{Path: "/overview", Nav: "console.nav.overview", Need: accounts.ViewReports},
		{Path: "/reports", Nav: "console.nav.reports", Need: accounts.ViewReports},
		{Path: "/laptops", Nav: "console.nav.laptops", Need: accounts.ManageDevices},
		{Path: "/enroll", Nav: "console.nav.enroll", Need: accounts.ManageDevices},
		{Path: "/duplicates", Nav: "console.nav.duplicates", Need: accounts.Reconcile},
		{Path: "/conflicts", Nav: "console.nav.conflicts", Need: accounts.Reconcile},
		{Path: "/support", Nav: "console.nav.support", Need: accounts.Reconcile},
	}
	entries = append(entries, c.cfg.Sections...)
	entries = append(entries,
		Section{Path: "/accounts", Nav: "console.nav.accounts", Need: accounts.ManageAccounts},
		Section{Path: "/audit", Nav: "console.nav.audit", Need: accounts.ViewAudit})
	var out []navItem
	for _, e := range entries {
		if v.user().Can(e.Need) {
			out = append(out, navItem{Path: e.Path, Label: i18n.T(v.lang, e.Nav)})
		}
	}
	return out
}

// funcs are the functions templates call, in the language of v, at now
// (nil and zero when parsing, when only their names matter).
func funcs(v *visit, now time.Time) template.FuncMap {
	l := i18n.VI
	if v != nil {
		l = v.lang
	}
	return template.FuncMap{
		"t":         func(key string, args ...any) string { return i18n.T(l, key, args...) },
		"tflash":    func(f *flash) string { return f.Text(l) },
		"num":       func(n any) string { return Number(l, toInt64(n)) },
		"day":       schema.FormatDay,
		"daytime":   schema.FormatDayTime,
		"commune":   CommuneName,
		"communes":  func(codes []string) string { return CommuneNames(l, codes) },
		"role":      func(r accounts.Role) string { return RoleName(l, r) },
		"ago":       func(t time.Time) string { return ago(l, t, now) },
		"orphanWhy": func(o reconcile.Orphan) string { return orphanWhy(l, o) },
		"progress": func(id string, areas bool, rows []targetRow) progressTable {
			return progressTable{ID: id, Areas: areas, Rows: rows}
		},
	}
}

func toInt64(n any) int64 {
	switch x := n.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	case uint64:
		return int64(x)
	}
	return 0
}

// ago says how long before now t was, in days as people count them
// (calendar days in Vietnam): today, yesterday, n days ago.
func ago(l i18n.Lang, t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	day := func(t time.Time) time.Time {
		y, m, d := t.In(schema.Vietnam).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	switch n := int(day(now).Sub(day(t)).Hours() / 24); {
	case n <= 0:
		return i18n.T(l, "console.ago.today")
	case n == 1:
		return i18n.T(l, "console.ago.yesterday")
	default:
		return i18n.T(l, "console.ago.days", n)
	}
}
