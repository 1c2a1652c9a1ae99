package ops

import (
	"strings"

	"hodan/internal/i18n"
	"hodan/reconcile"
)

// maxNamed is how many of a record's dependents an error names.
const maxNamed = 4

// dependentsError says which live records stop a delete, and what to do.
func dependentsError(e *reconcile.DependentsError) error {
	key := "orphans.error_dependents_move"
	if e.Cascade {
		key = "orphans.error_dependents"
	}
	return fail(key, NounOf(e.Table), e.Name, i18n.Counted{N: len(e.Dependents), Key: "count.record"}, dependentNames(e.Dependents))
}

// dependentNames names a record's dependents, the first maxNamed of them,
// each with the word for it in the reader's language.
type dependentNames []reconcile.Dependent

// In is the names in l.
func (d dependentNames) In(l i18n.Lang) string {
	var names []string
	for i, x := range d {
		if i == maxNamed {
			names = append(names, i18n.T(l, "orphans.more", len(d)-maxNamed))
			break
		}
		names = append(names, NounOf(x.Table).In(l)+" "+x.Name)
	}
	return strings.Join(names, "; ")
}
