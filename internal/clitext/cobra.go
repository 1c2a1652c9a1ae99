package clitext

import (
	"regexp"

	"hodan/internal/i18n"
)

// cobraErrors are the errors cobra and pflag make, by their English text,
// with the message that says each in the reader's language.
var cobraErrors = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^unknown command "(.*)" for "(.*)"`), "cobra.unknown_command"},
	{regexp.MustCompile(`^unknown flag: (\S+)`), "cobra.unknown_flag"},
	{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)`), "cobra.unknown_shorthand"},
	{regexp.MustCompile(`^flag needs an argument: (?:'.' in )?(\S+)`), "cobra.needs_argument"},
	{regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag`), "cobra.invalid_argument"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`), "cobra.exact_args"},
	{regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)`), "cobra.min_args"},
	{regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)`), "cobra.max_args"},
	{regexp.MustCompile(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)`), "cobra.range_args"},
}

// CobraError says an error of cobra's or pflag's, by its text, in l; ok
// is false for any other error.
func CobraError(l i18n.Lang, text string) (string, bool) {
	for _, c := range cobraErrors {
		if m := c.re.FindStringSubmatch(text); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return i18n.T(l, c.key, args...), true
		}
	}
	return "", false
}
