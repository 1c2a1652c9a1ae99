package accounts

import (
	"errors"

	"hodan/internal/i18n"
)

// explained maps the store's errors a person can act on to their message
// in the catalogue, most precise first.
var explained = []struct {
	err error
	key string
}{
	{ErrLoginFormat, "account.error.login_format"},
	{ErrNoName, "account.error.no_name"},
	{ErrUnknownRole, "account.error.role"},
	{ErrShortPassword, "account.error.password_short"},
	{ErrPasswordIsLogin, "account.error.password_login"},
	{ErrExists, "account.error.exists"},
	{ErrNoAccount, "account.error.unknown"},
	{ErrBadLogin, "account.error.bad_login"},
	{ErrThrottled, "account.error.throttled"},
}

// Explain says err to a person in l, from the message catalogue, when it
// is one of the store's errors a person can act on (a login refused, a
// weak password, an account that exists or does not); ok is false for
// any other error, which the caller reports as its own.
func Explain(l i18n.Lang, err error) (text string, ok bool) {
	for _, e := range explained {
		if errors.Is(err, e.err) {
			switch e.err {
			case ErrShortPassword:
				return i18n.T(l, e.key, MinPasswordLength), true
			case ErrThrottled:
				return i18n.T(l, e.key, int(FailWindow.Minutes())), true
			}
			return i18n.T(l, e.key), true
		}
	}
	return "", false
}
