package app

import (
	"strings"

	"github.com/spf13/cobra"

	"hodan/schema"
)

// flagName is the command-line flag of a column: head_name -> head-name.
func flagName(column string) string { return strings.ReplaceAll(column, "_", "-") }

func flagHelp(t *schema.Table, c *schema.Column) string {
	var b strings.Builder
	b.WriteString(c.Label)
	switch {
	case len(c.Enum) > 0:
		var vals []string
		for _, ch := range c.Enum {
			vals = append(vals, ch.Value)
		}
		b.WriteString(": " + strings.Join(vals, ", "))
	case c.Type == schema.Date:
		b.WriteString(" (YYYY-MM-DD or dd/mm/yyyy)")
	case c.Type == schema.Bool:
		b.WriteString(" (yes/no)")
	case c.Type == schema.Ref:
		b.WriteString(" (id of a " + nounOf(c.Refers) + ")")
	case c.Code == schema.CodeEthnicGroup:
		b.WriteString(" (01–54; list: hodan ref ethnic-groups)")
	case c.Code == schema.CodeProject1719:
		b.WriteString(" (list: hodan ref projects)")
	}
	if c.Required && c.Name != t.ScopeColumn {
		b.WriteString(" [required]")
	}
	return b.String()
}

// flagValues parses the column flags that were given.
func flagValues(cmd *cobra.Command, t *schema.Table) (map[string]any, error) {
	values := map[string]any{}
	for _, c := range t.Columns {
		f := cmd.Flags().Lookup(flagName(c.Name))
		if f == nil || !f.Changed {
			continue
		}
		v, err := c.Parse(f.Value.String())
		if err != nil {
			return nil, err
		}
		values[c.Name] = v
	}
	return values, nil
}
