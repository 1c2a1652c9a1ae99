package cli

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"hodan/internal/clitext"
	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/server/accounts"
	"hodan/syncengine"
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

// say is err as the operator reads it, in t's language: a mistake on
// the command line (cobra's and pflag's), the accounts' refusals, a rule
// of the schema a value broke, a catalogue message; any other error as
// it is.
func (t tr) say(err error) string {
	if s, ok := clitext.CobraError(t.lang, err.Error()); ok {
		return s
	}
	if s, ok := accounts.Explain(t.lang, err); ok {
		return s
	}
	if s, ok := schemaSays(t.lang, err); ok {
		return s
	}
	if s, ok := postgresSays(t.lang, err); ok {
		return s
	}
	return i18n.Explain(t.lang, err)
}

// postgresSays says in l why a PostgreSQL database named by --db could not
// be opened, and what to do, when err is that: a database not created, a
// role refused, a server not reached, an address not readable.
func postgresSays(l i18n.Lang, err error) (string, bool) {
	var e *syncengine.PostgresOpenError
	if !errors.As(err, &e) {
		return "", false
	}
	var pg *pgconn.PgError
	switch {
	case e.Host == "" && e.Database == "":
		return i18n.T(l, "server.error.pg_url", e.Source), true
	case errors.As(err, &pg) && pg.Code == "3D000": // invalid_catalog_name
		return i18n.T(l, "server.error.pg_no_database", e.Host, e.Database, e.User, e.Database), true
	case errors.As(err, &pg) && (pg.Code == "28P01" || pg.Code == "28000"): // invalid password, authorization
		return i18n.T(l, "server.error.pg_login", e.Host, e.User), true
	case errors.As(err, &pg):
		return "", false
	}
	return i18n.T(l, "server.error.pg_unreachable", e.Host), true
}

// schemaSays says in l the rule of the schema err broke, when err is
// such a refusal and the catalogue says its reason.
func schemaSays(l i18n.Lang, err error) (string, bool) {
	var e *schema.Error
	if !errors.As(err, &e) || e.Reason == "" || err.Error() != e.Error() {
		return "", false
	}
	s := i18n.T(l, "schema."+e.Reason, e.Args...)
	return s, !strings.HasPrefix(s, "[")
}

// localized is an error said in its reader's language (see tr.say) when
// it is the argument of a catalogue message.
type localized struct{ err error }

func (e localized) Error() string         { return e.err.Error() }
func (e localized) In(l i18n.Lang) string { return tr{lang: l}.say(e.err) }
func (e localized) Unwrap() error         { return e.err }
