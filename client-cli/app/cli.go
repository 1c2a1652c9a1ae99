package app

import (
	"unicode"
	"unicode/utf8"

	"hodan/internal/i18n"
)

// msgError is an error whose text is catalogue message key formatted with
// args, said in the officer's language when it is shown (see explainIn):
// the catalogue's keyed error (i18n.Error). Functions that do not know the
// language return it. An arg that is an error is shown explained in the
// same language, and a %w in the message wraps it, as with fmt.Errorf; a
// noun arg is shown as the word for the noun.
type msgError = i18n.Error

// errMsg makes an error of message key with args.
func errMsg(key string, args ...any) error { return i18n.NewError(key, args...) }

// localArgs are args as shown in l: errors explained (nouns and other
// i18n.Localizers are said by i18n.T).
func localArgs(l lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if err, ok := a.(error); ok {
			out[i] = explainIn(l, err)
		} else {
			out[i] = a
		}
	}
	return out
}

// noun is a record noun (household, member, ...) as an argument of a
// message: shown as the word for it in the officer's language.
type noun string

// In is the word for the noun in l.
func (n noun) In(l lang) string { return i18n.T(l, "noun."+string(n)) }

// countIn is n of something as catalogue message key says it: the message
// may give the singular before a "|" and the plural after ("1 change|%d
// changes"); a message without "|" is one form for every n.
func countIn(l lang, n int, key string) string { return i18n.Count(l, n, key) }

// count is n of something in the officer's language (see count).
func (a *app) count(n int, key string) string { return countIn(a.lang, n, key) }

// lowerFirst is s with its first letter in lower case, for a label in
// the middle of a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// upperFirst is s with its first letter in upper case, for a label that
// begins a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// usageError is a mistake on the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() + " (see --help)" }
func (e usageError) Unwrap() error { return e.err }
