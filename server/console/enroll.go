package console

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"hodan/internal/i18n"
	"hodan/server/registry"
)

// enrollForm is the data of the enrollment form, and of its errors.
type enrollForm struct {
	Officer  string
	Communes []communeChoice
	More     string
	AllOpen  bool              // the operator may type other communes' codes
	Errors   map[string]string // field: message
}

// codePage is the data of the printed enrollment code.
type codePage struct {
	Code     string
	Officer  string
	Communes []string
	Expires  time.Time
	Command  string
}

// enrollPage shows the form that makes an enrollment code.
func (c *Console) enrollPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	choices, err := c.choices(r.Context(), v.user(), nil)
	if err != nil {
		return err
	}
	if len(v.user().Communes) > 0 && len(choices) == 1 {
		choices[0].Checked = true
	}
	f := enrollForm{Communes: choices, AllOpen: len(v.user().Communes) == 0}
	return c.render(w, r, http.StatusOK, "enroll", "/enroll", f)
}

// enroll makes a one-time code for an officer and communes of the
// operator's, and shows it once, to print: only its hash is kept, so it
// is shown in the answer to the POST rather than after a redirect.
func (c *Console) enroll(w http.ResponseWriter, r *http.Request, v *visit) error {
	u := v.user()
	officer := strings.Join(strings.Fields(r.PostFormValue("officer")), " ")
	communes, bad := chosenCommunes(r, v)
	f := enrollForm{Officer: officer, More: r.PostFormValue("more"), AllOpen: len(u.Communes) == 0, Errors: map[string]string{}}
	switch {
	case officer == "":
		f.Errors["officer"] = i18n.T(v.lang, "console.enroll.error.officer")
	case utf8.RuneCountInString(officer) > 200:
		f.Errors["officer"] = i18n.T(v.lang, "console.enroll.error.officer_long")
	}
	switch {
	case bad != "":
		f.Errors["communes"] = bad
	case len(communes) == 0:
		f.Errors["communes"] = i18n.T(v.lang, "console.enroll.error.no_commune")
	case !u.SeesAll(communes):
		return forbid("console.refused.commune")
	}
	if len(f.Errors) > 0 {
		choices, err := c.choices(r.Context(), u, communes)
		if err != nil {
			return err
		}
		f.Communes = choices
		return c.render(w, r, http.StatusBadRequest, "enroll", "/enroll", f)
	}
	code, err := c.cfg.Registry.CreateEnrollment(r.Context(), officer, communes, registry.DefaultCodeTTL)
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.Record(r.Context(), actor(r, v), "device.enroll", officer, map[string]any{"communes": communes})
	if err != nil {
		return err
	}
	p := codePage{Code: code, Officer: officer, Communes: communes, Expires: c.cfg.Now().Add(registry.DefaultCodeTTL),
		Command: "hodan init --server " + serverURL(r, c.cfg.Secure) + " --enroll " + code}
	return c.render(w, r, http.StatusOK, "code", "/enroll", p)
}

// serverURL is the address officers' laptops reach the server at, as
// the operator's browser did.
func serverURL(r *http.Request, secure bool) string {
	if secure || r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
