package console

import (
	"net/http"
	"time"

	"hodan/schema"
	"hodan/server/accounts"
)

// laptopsPage is the data of the laptops page.
type laptopsPage struct {
	Laptops []laptop
	Now     time.Time
}

// laptops lists the laptops enrolled for the operator's communes.
func (c *Console) laptops(w http.ResponseWriter, r *http.Request, v *visit) error {
	list, err := c.laptopsOf(r.Context(), v.user())
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "laptops", "/laptops", laptopsPage{Laptops: list, Now: c.cfg.Now()})
}

// revocable finds the laptop of the request's {id}, if the operator sees
// every one of its communes.
func (c *Console) revocable(r *http.Request, v *visit) (laptop, error) {
	all, err := c.laptopsOf(r.Context(), &accounts.User{})
	if err != nil {
		return laptop{}, err
	}
	for _, l := range all {
		if l.ID.String() != r.PathValue("id") {
			continue
		}
		if !v.user().SeesAll(l.Communes) {
			return laptop{}, forbid("console.refused.commune")
		}
		return l, nil
	}
	return laptop{}, missing("console.laptops.unknown")
}

// revokePage asks the operator to confirm a revocation.
func (c *Console) revokePage(w http.ResponseWriter, r *http.Request, v *visit) error {
	l, err := c.revocable(r, v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "revoke", "/laptops", &l)
}

// revoke revokes a laptop: its token stops working at once.
func (c *Console) revoke(w http.ResponseWriter, r *http.Request, v *visit) error {
	l, err := c.revocable(r, v)
	if err != nil {
		return err
	}
	if l.Revoked() {
		return c.redirect(w, r, "/laptops", flash{Key: "console.flash.already_revoked", Args: []string{l.Officer, schema.FormatDay(*l.RevokedAt)}})
	}
	dev, err := c.cfg.Registry.Revoke(r.Context(), l.ID.String())
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.Record(r.Context(), actor(r, v), "device.revoke", dev.ID.String(),
		map[string]any{"officer": dev.Officer, "communes": dev.Communes})
	if err != nil {
		return err
	}
	return c.redirect(w, r, "/laptops", flash{OK: true, Key: "console.flash.revoked", Args: []string{dev.Officer}})
}
