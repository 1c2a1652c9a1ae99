package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"hodan/server/accounts"
)

// communeChoice is a commune a form offers to tick.
type communeChoice struct {
	Code, Name string
	Checked    bool
}

// choices are the communes a form of u offers: u's own, or, for an
// account of every commune, every commune the server knows of (its
// households, laptops and accounts); checked are ticked.
func (c *Console) choices(ctx context.Context, u *accounts.User, checked []string) ([]communeChoice, error) {
	codes := slices.Clone(u.Communes)
	if len(codes) == 0 {
		households, err := c.households(ctx)
		if err != nil {
			return nil, err
		}
		for code := range households {
			codes = append(codes, code)
		}
		devices, err := c.cfg.Registry.Devices(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range devices {
			codes = append(codes, d.Communes...)
		}
		users, err := c.cfg.Accounts.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, other := range users {
			codes = append(codes, other.Communes...)
		}
	}
	codes = append(codes, checked...)
	slices.Sort(codes)
	codes = slices.Compact(codes)
	out := make([]communeChoice, len(codes))
	for i, code := range codes {
		out[i] = communeChoice{Code: code, Name: CommuneName(code), Checked: slices.Contains(checked, code)}
	}
	slices.SortFunc(out, func(a, b communeChoice) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// chosenCommunes reads the communes a form names: the ticked boxes
// ("commune") and the codes typed in "more" (separated by commas or
// spaces), each checked; bad is the message of the first that is no
// commune, said in v's language.
func chosenCommunes(r *http.Request, v *visit) (codes []string, bad string) {
	codes = slices.Clone(r.PostForm["commune"])
	codes = append(codes, strings.FieldsFunc(r.PostFormValue("more"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' })...)
	for i := range codes {
		codes[i] = strings.TrimSpace(codes[i])
		if err := CheckCommune(v.lang, codes[i]); err != nil && bad == "" {
			bad = err.Error()
		}
	}
	slices.Sort(codes)
	return slices.Compact(codes), bad
}

// covers reports whether u may give or act on an account or laptop of
// communes: u sees every one of them, and only an account of every
// commune covers every commune.
func covers(u *accounts.User, communes []string) bool {
	if len(communes) == 0 {
		return len(u.Communes) == 0
	}
	return u.SeesAll(communes)
}
