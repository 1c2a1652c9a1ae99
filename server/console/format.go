package console

import (
	"hodan/internal/i18n"
	"hodan/server/accounts"
)

// Number writes n with its thousands grouped as l groups them: 1.234 in
// Vietnamese, 1,234 in English.
func Number(l i18n.Lang, n int64) string { return i18n.Whole(l, n) }

// RoleName is a role as people call it, in l.
func RoleName(l i18n.Lang, r accounts.Role) string {
	return i18n.T(l, "console.role."+string(r))
}
