package console

import (
	"errors"
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
)

// CommuneName is the name of the commune with code (schema.CommuneName).
func CommuneName(code string) string { return schema.CommuneName(code) }

// CommuneNames lists the communes of codes by name; no code at all is
// every commune of the server, said in l.
func CommuneNames(l i18n.Lang, codes []string) string {
	if len(codes) == 0 {
		return i18n.T(l, "console.communes.all")
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = CommuneName(c)
	}
	return strings.Join(names, ", ")
}

// CheckCommune refuses, in l, a code that is no commune of the two-tier
// system in force since 1 July 2025; an old code is told the communes it
// went into.
func CheckCommune(l i18n.Lang, code string) error {
	commune := &schema.Column{Name: "commune", Type: schema.Text, Code: schema.CodeCommune}
	err := commune.Check(code)
	var e *schema.Error
	if errors.As(err, &e) && e.Reason != "" {
		return errors.New(i18n.T(l, "schema."+e.Reason, e.Args...))
	}
	return err
}
