package ops

import (
	"hodan/internal/i18n"
	"hodan/schema"
)

// ChoiceText is a value of an enumeration column as people of l read it:
// the schema's label in l ("Hộ cận nghèo", "Near-poor household").
func ChoiceText(l i18n.Lang, c *schema.Column, value string) string {
	return c.ChoiceLabelIn(string(l), value)
}

// CodeText is a value of a column of codes as people of l read it: an
// ethnic group by its name (Mường for 06), a commune by its name, a
// project of program 1719 by its code and its name in l; another code as
// it is.
func CodeText(l i18n.Lang, c *schema.Column, code string) string {
	switch c.Code {
	case schema.CodeCommune:
		return schema.CommuneName(code)
	case schema.CodeEthnicGroup:
		return ethnicName(code)
	case schema.CodeProject1719:
		if p, ok := schema.ProjectByCode(code); ok {
			return code + " · " + p.NameIn(string(l))
		}
	}
	return code
}
