package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"hodan/internal/i18n"
)

// msgError is an error whose text is catalogue message key formatted with
// args, said in the officer's language when it is shown (see explainIn).
// Functions that do not know the language return it. An arg that is an
// error is shown explained in the same language, and a %w in the message
// wraps it, as with fmt.Errorf; a noun arg is shown as the word for the
// noun.
type msgError struct {
	key  string
	args []any
}

// errMsg makes an error of message key with args.
func errMsg(key string, args ...any) error { return &msgError{key: key, args: args} }

// code is the error's code for programs: its key without "error", "err"
// and "input" ("import.err.bad" is import_bad).
func (e *msgError) code() string {
	var parts []string
	for _, p := range strings.Split(e.key, ".") {
		if p != "error" && p != "err" && p != "input" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "_")
}

// Error is the message in Vietnamese, the default language.
func (e *msgError) Error() string { return e.in(langVI) }

// Unwrap returns the errors among the args.
func (e *msgError) Unwrap() []error { return i18n.ErrorsAmong(e.args) }

// in is the message in l.
func (e *msgError) in(l lang) string {
	return fmt.Sprintf(textIn(l, e.key), localArgs(l, e.args)...)
}

// localArgs are args as shown in l: errors explained, nouns as words.
func localArgs(l lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch x := a.(type) {
		case error:
			out[i] = explainIn(l, x)
		case noun:
			out[i] = i18n.T(l, "noun."+string(x))
		default:
			out[i] = a
		}
	}
	return out
}

// noun is a record noun (household, member, ...) as an argument of a
// message: shown as the word for it in the officer's language.
type noun string

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
