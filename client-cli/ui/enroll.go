package ui

import (
	"net/http"
	"net/url"
	"strings"

	"hodan/internal/i18n"
	"hodan/ops"
)

// enrollForm is the form that enrolls the laptop with its district
// server, the app's first page on a laptop that is not enrolled.
type enrollForm struct {
	Server, Code         string
	ServerError, CodeErr string
	Problem              string
}

func (a *App) enrollPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.device != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return a.render(w, r, "enroll", "", enrollForm{})
}

// enroll enrolls the laptop with the code the district gave (ops.Enroll).
func (a *App) enroll(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.device != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	f := enrollForm{Server: strings.TrimSpace(r.PostFormValue("server")), Code: strings.TrimSpace(r.PostFormValue("code"))}
	if u, err := url.Parse(f.Server); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.ServerError = i18n.T(v.lang, "ui.enroll.bad_server")
	}
	if f.Code == "" {
		f.CodeErr = i18n.T(v.lang, "ui.enroll.no_code")
	}
	if f.ServerError == "" && f.CodeErr == "" {
		dev, _, err := ops.Enroll(r.Context(), a.cfg.DB, ops.Enrollment{Server: f.Server, Code: f.Code}, a.cfg.Now())
		if err == nil {
			return a.redirect(w, r, "/", done("ui.flash.enrolled", dev.Officer, communeNames(dev.Communes)))
		}
		f.Problem = enrollProblem(v.lang, err)
	}
	a.page(w, r, http.StatusUnprocessableEntity, "enroll", "", f)
	return nil
}

// enrollProblem says why an enrollment failed, in the app's words where
// the CLI's would name a command: a code the server refused, a server out
// of reach.
func enrollProblem(l i18n.Lang, err error) string {
	switch ops.Code(err) {
	case "unauthorized":
		return i18n.T(l, "ui.enroll.bad_code")
	case "unreachable":
		return i18n.T(l, "ui.enroll.unreachable")
	}
	return explain(l, err)
}
