package ops

import (
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
)

// ChoiceText is a value of an enumeration column as people of l read it:
// the schema's Vietnamese label; in English the value in words ("near
// poor"), the schema's labels being Vietnamese only.
func ChoiceText(l i18n.Lang, c *schema.Column, value string) string {
	if l == i18n.EN {
		return strings.ReplaceAll(value, "_", " ")
	}
	return c.ChoiceLabel(value)
}

// CodeText is a value of a column of codes as people read it: an ethnic
// group by its name (Mường for 06), a commune by its name, a project of
// program 1719 by its code and name; another code as it is.
func CodeText(c *schema.Column, code string) string {
	switch c.Code {
	case schema.CodeCommune:
		return schema.CommuneName(code)
	case schema.CodeEthnicGroup:
		return ethnicName(code)
	case schema.CodeProject1719:
		if p, ok := schema.ProjectByCode(code); ok {
			return code + " · " + p.Name
		}
	}
	return code
}
