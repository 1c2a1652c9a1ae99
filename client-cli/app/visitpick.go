package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/schema/forms"
)

// maxMatches is how many households a search lists; more asks for more
// of the name.
const maxMatches = 15

// household finds the household: by id if given, else by part of the
// head's name, typed with or without diacritics.
func (fl *visitFlow) household(ctx context.Context, id string) (ops.VisitHousehold, error) {
	all, err := ops.VisitHouseholds(ctx, fl.db, fl.dev.Actor())
	if err != nil {
		return ops.VisitHousehold{}, err
	}
	if id != "" {
		return ops.FindVisitHousehold(fl.db, all, id)
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
	for {
		text, err := fl.line()
		if err != nil {
			return ops.VisitHousehold{}, err
		}
		if h, ok, err := fl.searchOnce(all, text); err != nil || ok {
			return h, err
		}
	}
}

// searchOnce lists the households whose head's name holds text and lets
// the officer pick one; ok is false when the officer should search again.
func (fl *visitFlow) searchOnce(all []ops.VisitHousehold, text string) (ops.VisitHousehold, bool, error) {
	if reconcile.Fold(text) == "" {
		fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
		return ops.VisitHousehold{}, false, nil
	}
	found := ops.SearchVisitHouseholds(all, text)
	switch {
	case len(found) == 0:
		fmt.Fprintln(fl.out, fl.a.T("visit.search.none", text))
		return ops.VisitHousehold{}, false, nil
	case len(found) > maxMatches:
		fmt.Fprintln(fl.out, fl.a.T("visit.search.too_many", len(found), text))
		return ops.VisitHousehold{}, false, nil
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.found", len(found)))
	for i, h := range found {
		fmt.Fprintf(fl.out, "  %2d. %s\n", i+1, h.Describe(fl.a.lang))
	}
	fmt.Fprintln(fl.out, fl.a.T("visit.search.pick", len(found)))
	n, again, err := fl.pick(len(found))
	if again {
		fmt.Fprintln(fl.out, fl.a.T("visit.search.prompt"))
	}
	if err != nil || again {
		return ops.VisitHousehold{}, false, err
	}
	return found[n], true, nil
}

// pick reads a number from 1 to n and returns it less one; again is true
// when the officer typed "<" to start over.
func (fl *visitFlow) pick(n int) (int, bool, error) {
	for {
		text, err := fl.line()
		if err != nil {
			return 0, false, err
		}
		if text == "<" {
			return 0, true, nil
		}
		if k, err := strconv.Atoi(text); err == nil && k >= 1 && k <= n {
			return k - 1, false, nil
		}
		fmt.Fprintln(fl.out, fl.a.T("visit.pick.bad", text, n))
	}
}

// pickForm returns the form named by id, or lets the officer pick one.
func (fl *visitFlow) pickForm(id string) (*forms.Form, error) {
	latest := fl.forms.Latest()
	if id != "" {
		if f, ok := fl.forms.ByID(id); ok {
			return f, nil
		}
		var ids []string
		for _, f := range latest {
			ids = append(ids, f.ID)
		}
		return nil, fl.a.Errorf("visit.no_form", id, strings.Join(ids, ", "))
	}
	fmt.Fprintln(fl.out, "\n"+fl.a.T("visit.form.prompt"))
	for i, f := range latest {
		fmt.Fprintf(fl.out, "  %d. %s\n", i+1, f.Title.In(fl.lang()))
	}
	for {
		n, again, err := fl.pick(len(latest))
		if err != nil {
			return nil, err
		}
		if !again {
			return latest[n], nil
		}
		fmt.Fprintln(fl.out, fl.a.T("visit.form.prompt"))
	}
}

// memberID maps what the officer typed for a member question, a number
// in the list, to the member's id.
func (v *visitAnswers) memberID(text string) (string, bool) {
	if k, err := strconv.Atoi(text); err == nil && k >= 1 && k <= len(v.members) {
		return v.members[k-1].ID, true
	}
	if _, err := uuid.Parse(text); err == nil {
		for _, m := range v.members {
			if m.ID == text {
				return text, true
			}
		}
	}
	return "", false
}
