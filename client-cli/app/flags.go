package app

import (
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/schema"
)

// flagName is the command-line flag of a column: head_name -> head-name.
func flagName(column string) string { return strings.ReplaceAll(column, "_", "-") }

// flagHelp is the help of a column's flag in the officer's language: its
// label and what values it takes.
func (a *app) flagHelp(t *schema.Table, c *schema.Column) string {
	var b strings.Builder
	b.WriteString(a.columnText(t, c))
	switch {
	case len(c.Enum) > 0:
		var vals []string
		for _, ch := range c.Enum {
			vals = append(vals, a.choiceWord(ch))
		}
		b.WriteString(": " + strings.Join(vals, "; "))
	case c.Type == schema.Date:
		b.WriteString(" " + a.T("flag.date"))
	case c.Type == schema.Bool:
		b.WriteString(" " + a.T("flag.bool"))
	case c.Type == schema.Ref:
		key := "flag.ref"
		if refers, ok := schema.TableByName(c.Refers); ok && refers.NameColumn != "" {
			key = "flag.ref_named" // ops.ResolveID takes a name too
		}
		b.WriteString(" " + a.T(key, a.nounWord(nounOf(c.Refers))))
	case c.Code == schema.CodeEthnicGroup:
		b.WriteString(" " + a.T("flag.ethnic_group"))
	case c.Code == schema.CodeProject1719:
		b.WriteString(" " + a.T("flag.project_1719"))
	}
	if c.Required && c.Name != t.ScopeColumn {
		b.WriteString(" " + a.T("flag.required"))
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
		v, err := ops.ParseTyped(&c, f.Value.String())
		if err != nil {
			return nil, err
		}
		values[c.Name] = v
	}
	return values, nil
}

// choiceWord is a value of an enumeration as an officer types it: in
// Vietnamese its word (schema.Choice.Word), in English its value.
func (a *app) choiceWord(ch schema.Choice) string {
	if a.lang == langEN {
		return ch.Value
	}
	return ch.Word()
}
