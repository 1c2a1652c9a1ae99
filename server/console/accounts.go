package console

import (
	"errors"
	"net/http"
	"strings"

	"hodan/internal/i18n"
	"hodan/server/accounts"
)

// accountsPage is the data of the accounts page: the accounts the admin
// may manage, and the form that adds one.
type accountsPage struct {
	Users []accounts.User
	Self  string
	Form  accountForm
	Roles []roleChoice
}

// accountForm is the form that adds an account, with its errors.
type accountForm struct {
	Login, Name string
	Role        accounts.Role
	Communes    []communeChoice
	More        string
	AllOpen     bool
	Errors      map[string]string
}

// roleChoice is a role as the form offers it.
type roleChoice struct {
	Role     accounts.Role
	Name     string
	Says     string
	Selected bool
}

// accountsPage lists the accounts and offers to add one.
func (c *Console) accountsPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	return c.showAccounts(w, r, v, http.StatusOK, accountForm{Role: accounts.Viewer})
}

func (c *Console) showAccounts(w http.ResponseWriter, r *http.Request, v *visit, status int, f accountForm) error {
	u := v.user()
	all, err := c.cfg.Accounts.List(r.Context())
	if err != nil {
		return err
	}
	p := accountsPage{Self: u.Login}
	for _, other := range all {
		if covers(u, other.Communes) {
			p.Users = append(p.Users, other)
		}
	}
	checked := []string(nil)
	for _, ch := range f.Communes {
		checked = append(checked, ch.Code)
	}
	if f.Communes, err = c.choices(r.Context(), u, checked); err != nil {
		return err
	}
	f.AllOpen = len(u.Communes) == 0
	p.Form = f
	for _, role := range accounts.Roles {
		p.Roles = append(p.Roles, roleChoice{Role: role, Name: RoleName(v.lang, role),
			Says: i18n.T(v.lang, "console.role_says."+string(role)), Selected: role == f.Role})
	}
	return c.render(w, r, status, "accounts", "/accounts", p)
}

// addAccount adds an account of communes the admin sees.
func (c *Console) addAccount(w http.ResponseWriter, r *http.Request, v *visit) error {
	u := v.user()
	n := accounts.NewUser{Login: r.PostFormValue("login"), Name: strings.Join(strings.Fields(r.PostFormValue("name")), " "),
		Role: accounts.Role(r.PostFormValue("role")), Password: r.PostFormValue("password")}
	communes, bad := chosenCommunes(r, v)
	n.Communes = communes
	f := accountForm{Login: n.Login, Name: n.Name, Role: n.Role, More: r.PostFormValue("more"), Errors: map[string]string{}}
	for _, code := range communes {
		f.Communes = append(f.Communes, communeChoice{Code: code})
	}
	if bad != "" {
		f.Errors["communes"] = bad
	} else if !covers(u, communes) {
		// The form offers only the admin's communes.
		return forbid("console.refused.commune")
	}
	if n.Password != r.PostFormValue("again") {
		f.Errors["again"] = i18n.T(v.lang, "console.accounts.error.again")
	}
	if len(f.Errors) == 0 {
		_, err := c.cfg.Accounts.Add(r.Context(), n, actor(r, v))
		if err == nil {
			return c.redirect(w, r, "/accounts", flash{OK: true, Key: "console.flash.account_added", Args: []string{n.Name, strings.ToLower(strings.TrimSpace(n.Login))}})
		}
		if !explainField(v.lang, err, f.Errors) {
			return err
		}
	}
	return c.showAccounts(w, r, v, http.StatusBadRequest, f)
}

// explainField puts the message of an account the store refused beside
// the field it is about; false if err is not such a refusal.
func explainField(l i18n.Lang, err error, errs map[string]string) bool {
	text, ok := accounts.Explain(l, err)
	if !ok {
		return false
	}
	field := "login"
	switch {
	case errors.Is(err, accounts.ErrNoName):
		field = "name"
	case errors.Is(err, accounts.ErrUnknownRole):
		field = "role"
	case errors.Is(err, accounts.ErrWeakPassword):
		field = "password"
	}
	errs[field] = text
	return true
}

// manageable finds the account of the request's {login} among those the
// admin may manage.
func (c *Console) manageable(r *http.Request, v *visit) (accounts.User, error) {
	other, err := c.cfg.Accounts.User(r.Context(), r.PathValue("login"))
	if errors.Is(err, accounts.ErrNoAccount) {
		return other, missing("console.accounts.unknown")
	}
	if err != nil {
		return other, err
	}
	if !covers(v.user(), other.Communes) {
		return other, forbid("console.refused.commune")
	}
	return other, nil
}

// passwordForm is the data of the form that sets an account's password.
type passwordForm struct {
	User   accounts.User
	Errors map[string]string
}

// passwordPage shows the form that gives an account a new password.
func (c *Console) passwordPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	other, err := c.manageable(r, v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "password", "/accounts", passwordForm{User: other})
}

// setPassword gives an account a new password; its sessions end.
func (c *Console) setPassword(w http.ResponseWriter, r *http.Request, v *visit) error {
	other, err := c.manageable(r, v)
	if err != nil {
		return err
	}
	f := passwordForm{User: other, Errors: map[string]string{}}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("again") {
		f.Errors["again"] = i18n.T(v.lang, "console.accounts.error.again")
	} else if err := c.cfg.Accounts.SetPassword(r.Context(), other.Login, password, actor(r, v)); err == nil {
		return c.redirect(w, r, "/accounts", flash{OK: true, Key: "console.flash.password_set", Args: []string{other.Name}})
	} else if !explainField(v.lang, err, f.Errors) {
		return err
	}
	return c.render(w, r, http.StatusBadRequest, "password", "/accounts", f)
}

// disablePage asks the admin to confirm that an account is disabled.
func (c *Console) disablePage(w http.ResponseWriter, r *http.Request, v *visit) error {
	other, err := c.disablable(r, v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "disable", "/accounts", other)
}

// disable closes an account: it can no longer log in, its sessions end.
func (c *Console) disable(w http.ResponseWriter, r *http.Request, v *visit) error {
	other, err := c.disablable(r, v)
	if err != nil {
		return err
	}
	if err := c.cfg.Accounts.Disable(r.Context(), other.Login, actor(r, v)); err != nil {
		return err
	}
	return c.redirect(w, r, "/accounts", flash{OK: true, Key: "console.flash.account_disabled", Args: []string{other.Name}})
}

// disablable finds the account of the request's {login} if the admin may
// disable it: one they manage, and not their own, lest the last admin
// lock everyone out.
func (c *Console) disablable(r *http.Request, v *visit) (accounts.User, error) {
	other, err := c.manageable(r, v)
	if err == nil && other.Login == v.user().Login {
		err = forbid("console.accounts.error.self")
	}
	return other, err
}
