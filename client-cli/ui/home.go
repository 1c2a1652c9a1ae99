package ui

import (
	"net/http"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
)

// homePage is the app's first page: what the laptop has to tell its
// officer (a clock that cannot be right, a database found to be a copy,
// changes the server refused, records waiting to be settled, conflicts),
// the visits begun, and the commune's households at a glance.
type homePage struct {
	Officer    string
	Notices    []notice
	Drafts     []draftView
	Households int
	Poor       int
	NearPoor   int
	Pending    uint64
}

// notice is something the officer should know or do, with where to do it.
type notice struct {
	Class, Text, Link, Action string
	More                      []string
}

func (a *App) home(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	st, err := ops.ReadStatus(ctx, a.cfg.DB, v.device, a.namer(ctx, v), a.cfg.Now())
	if err != nil {
		return err
	}
	p := homePage{Officer: v.device.Officer, Notices: notices(v.lang, st), Pending: st.Pending}
	if p.Drafts, err = a.draftViews(ctx, v.lang, ""); err != nil {
		return err
	}
	households, err := ops.List(ctx, a.cfg.DB, schema.Households, ops.ListQuery{Communes: v.who().Communes})
	if err != nil {
		return err
	}
	p.Households = len(households)
	for _, h := range households {
		switch h[schema.ColPovertyStatus] {
		case "poor":
			p.Poor++
		case "near_poor":
			p.NearPoor++
		}
	}
	return a.render(w, r, "home", "/", p)
}

// notices says what a laptop's status asks of its officer, the most
// pressing first.
func notices(l i18n.Lang, st ops.Status) []notice {
	t := func(key string, args ...any) string { return i18n.T(l, key, args...) }
	var out []notice
	if d := st.Doubt; d != nil {
		out = append(out, notice{Class: "bad", Text: t("ui.notice.clock", ops.DateText(d.Now), t(d.Reason, ops.DateText(d.Ref)))})
	}
	if n := len(st.Rejected); n > 0 {
		out = append(out, notice{Class: "bad", Text: t("ui.notice.refused", i18n.Count(l, n, "count.change")), Link: "/sync#refused", Action: t("ui.notice.refused_action")})
	}
	if st.Orphans > 0 {
		out = append(out, notice{Class: "warn", Text: t("ui.notice.orphans", i18n.Count(l, st.Orphans, "count.orphan")), Link: "/conflicts#orphans",
			Action: t("ui.notice.orphans_action"), More: []string{t("ui.notice.orphans_ways")}})
	}
	if st.OpenConflicts > 0 {
		out = append(out, notice{Class: "warn", Text: t("ui.notice.conflicts", i18n.Count(l, st.OpenConflicts, "count.conflict")), Link: "/conflicts", Action: t("ui.notice.conflicts_action")})
	}
	if st.Fork != nil {
		out = append(out, notice{Class: "warn", Text: ops.ForkStatus(l, st.Fork)})
	}
	return out
}
