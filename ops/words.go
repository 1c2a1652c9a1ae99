package ops

import (
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// fail makes the error a person reads of message key with args (see
// i18n.Error).
func fail(key string, args ...any) error { return i18n.NewError(key, args...) }

// Noun is a record noun (household, member, ...) as an argument of a
// message: said as the word for it in the reader's language.
type Noun string

// In is the word for the noun in l.
func (n Noun) In(l i18n.Lang) string { return i18n.T(l, "noun."+string(n)) }

// NounOf is the noun of a table's records, by the table's SQL name; the
// name itself for a table this version does not know.
func NounOf(table string) Noun {
	if t, ok := schema.TableByName(table); ok {
		return Noun(t.Noun)
	}
	return Noun(table)
}

// said is text a function says in a language, as an argument of a
// message.
type said func(l i18n.Lang) string

// In is the text in l.
func (f said) In(l i18n.Lang) string { return f(l) }

// ForkText says, in l, what a sync that found the laptop's database to be
// a copy did (syncengine.Fork): nothing is lost.
func ForkText(l i18n.Lang, f *syncengine.Fork) string {
	other := i18n.Count(l, int(f.ServerHeld-f.At), "count.change")
	if f.Moved == 0 {
		return i18n.T(l, "identity.sync_fork_none", other)
	}
	return i18n.T(l, "identity.sync_fork", other, i18n.Count(l, f.Moved, "count.change"))
}

// ForkStatus says, in l, on which day the laptop continued under a new
// identity.
func ForkStatus(l i18n.Lang, f *syncengine.Fork) string {
	return i18n.T(l, "identity.status", DateText(f.When))
}

// PendingText says in l, table by table, what changes waiting to be sent
// do: how many records they create, change and delete.
func PendingText(l i18n.Lang, waiting []PendingTable) []string {
	var out []string
	for _, p := range waiting {
		if p.Table == nil { // a table this version of hodan does not know
			out = append(out, i18n.T(l, "status.other_table", p.Name))
			continue
		}
		var parts []string
		for _, n := range []struct {
			n   int
			key string
		}{{p.Created, "status.created"}, {p.Changed, "status.changed"}, {p.Deleted, "status.deleted"}} {
			if n.n > 0 {
				parts = append(parts, i18n.T(l, n.key, n.n))
			}
		}
		if len(parts) > 0 {
			out = append(out, i18n.T(l, "table."+p.Table.Name)+": "+strings.Join(parts, ", "))
		}
	}
	return out
}
