package ops

import "hodan/schema"

// ParseTyped reads what a person typed for column c, on the command line
// or in a form, as an import reads a cell of a commune's list: an ethnic
// group by its name or code ("Mường", "mường", "06"), a value of an
// enumeration by its Vietnamese label or its value ("cận nghèo", "Hộ cận
// nghèo", "near_poor"); anything else as c.Parse reads it, whose error
// says what c takes.
func ParseTyped(c *schema.Column, text string) (any, error) {
	switch {
	case c.Code == schema.CodeEthnicGroup:
		if code, ok := ethnicLookup().code(text); ok {
			text = code
		}
	case len(c.Enum) > 0:
		if v, ok := choiceIndex(c)[fold(text)]; ok {
			text = v
		}
	}
	return c.Parse(text)
}
