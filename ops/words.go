package ops

import (
	"hodan/internal/i18n"
	"hodan/schema"
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
