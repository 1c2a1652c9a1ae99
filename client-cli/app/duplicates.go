package app

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/reconcile"
	"hodan/syncengine"
)

func (a *app) householdDuplicatesCmd() *cobra.Command {
	var minScore float64
	cmd := &cobra.Command{
		Use:   a.T("duplicates.use"),
		Short: a.T("duplicates.short"),
		Long:  a.T("duplicates.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := ops.CheckMinScore(minScore); err != nil {
				return usageError{err}
			}
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				pairs, err := ops.Duplicates(ctx, db, dev.Actor(), minScore)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), pairs)
				}
				return a.writePairs(cmd.OutOrStdout(), pairs)
			})
		},
	}
	cmd.Flags().Float64Var(&minScore, "min-score", 0, a.T("duplicates.flag_min_score"))
	return cmd
}

// writePairs writes pairs for a person in the officer's language: per
// pair its score and reasons, then both households with full ids (for
// `hodan household merge`), the head's name and birth year; every line
// within 80 columns.
func (a *app) writePairs(w io.Writer, pairs []reconcile.Pair) error {
	if len(pairs) == 0 {
		_, err := fmt.Fprintln(w, a.T("duplicates.none"))
		return err
	}
	var b strings.Builder
	for _, p := range pairs {
		reasons := make([]string, len(p.Reasons))
		for i, r := range p.Reasons {
			reasons[i] = a.reasonText(r)
		}
		b.WriteString(wrapWords(fmt.Sprintf("%.2f", p.Score), strings.Join(reasons, ", "), reconcile.Width))
		for _, h := range []reconcile.Household{p.A, p.B} {
			year := "-"
			if h.HeadBirthYear != nil {
				year = strconv.Itoa(*h.HeadBirthYear)
			}
			name := cut(ops.SafeText(h.HeadName), 30)
			fmt.Fprintf(&b, "  %s  %s%s  %s\n", h.ID, name, strings.Repeat(" ", 30-textWidth(name)), year)
		}
	}
	b.WriteString(a.T("duplicates.summary", a.count(len(pairs), "count.pair")) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// pairReasons are the reasons reconcile gives for a pair, in English (its
// JSON keeps them so), with the message that says each.
var pairReasons = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^same (name|birth year|village|phone|household number|sex|ethnicity)$`), "reason.same"},
	{regexp.MustCompile(`^different (sex|ethnicity)$`), "reason.different"},
	{regexp.MustCompile(`^name (\d+) edits? apart$`), "reason.name_edits"},
	{regexp.MustCompile(`^born (\d+) years? apart$`), "reason.born_apart"},
}

// reasonText says a reason of a pair in the officer's language.
func (a *app) reasonText(reason string) string {
	for _, p := range pairReasons {
		m := p.re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		if n, err := strconv.Atoi(m[1]); err == nil {
			return a.T(p.key, n)
		}
		return a.T(p.key, a.T("reason.what."+strings.ReplaceAll(m[1], " ", "_")))
	}
	return reason
}

// wrapWords writes lead and text on lines of at most width columns,
// breaking text between words; the lines after the first are indented
// under the text.
func wrapWords(lead, text string, width int) string {
	var b strings.Builder
	indent := strings.Repeat(" ", textWidth(lead)+2)
	line, n := lead+" ", textWidth(lead)+1
	for i, word := range strings.Fields(text) {
		if i > 0 && n+1+textWidth(word) > width {
			b.WriteString(line + "\n")
			line, n = indent[1:], len(indent)-1
		}
		line += " " + word
		n += 1 + textWidth(word)
	}
	return b.String() + line + "\n"
}
