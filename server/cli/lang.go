package cli

import (
	"hodan/internal/i18n"
)

// tr says hodan-server's messages in the language of the command: their
// text in the one catalogue (internal/i18n), Vietnamese unless English is
// asked for. Commands that speak to people take a tr.
type tr struct{ lang i18n.Lang }

// chooseLang picks the language of a command from --lang among args,
// then $HODAN_LANG: Vietnamese unless one of them says English. A server's
// locale does not count: district servers are often installed in English
// for people who read Vietnamese.
func chooseLang(args []string, getenv func(string) string) (tr, error) {
	l, err := i18n.Choose(args, func(name string) string {
		if name == "HODAN_LANG" {
			return getenv(name)
		}
		return ""
	})
	return tr{lang: l}, err
}

// T is the text of message key with args.
func (t tr) T(key string, args ...any) string { return i18n.T(t.lang, key, args...) }
