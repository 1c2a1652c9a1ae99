package app

import (
	"errors"
	"regexp"
	"strings"

	"hodan/ops"
	"hodan/syncengine"
)

// explain turns an error into the one line the officer reads, in the
// officer's language.
func (a *app) explain(err error) string { return explainIn(a.lang, err) }

// explainIn turns an error into one line in l: a mistake on the command
// line, an error of cobra's or pflag's, or any error ops.Explain says.
func explainIn(l lang, err error) string {
	return strings.Join(strings.Fields(explainText(l, err)), " ")
}

func explainText(l lang, err error) string {
	if u, ok := err.(usageError); ok {
		return tr(l, "error.usage", explainIn(l, u.err))
	}
	if s, ok := ops.ExplainKnown(l, err); ok {
		return s
	}
	if s, ok := cobraText(l, err.Error()); ok {
		return s
	}
	return err.Error()
}

// errorCode is err's code for programs, as --json prints it: "usage" for
// a command line that makes no sense, else ops.Code's.
func errorCode(err error) string {
	var u usageError
	if errors.As(err, &u) {
		return "usage"
	}
	code := ops.Code(err)
	if _, ok := cobraText(langEN, err.Error()); ok && code == "error" {
		return "usage"
	}
	return code
}

// errorJSON is err as --json prints it, said in l: the one shape of every
// command's failure, the same as the server's.
func errorJSON(l lang, err error) syncengine.ErrorResponse {
	return syncengine.ErrorResponse{Error: syncengine.Error{Code: errorCode(err), Message: explainIn(l, err)}}
}

// cobraErrors are the errors cobra and pflag make, by their English text,
// with the message that says each in the officer's language.
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

// cobraText says an error of cobra's or pflag's in l.
func cobraText(l lang, text string) (string, bool) {
	for _, c := range cobraErrors {
		if m := c.re.FindStringSubmatch(text); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return tr(l, c.key, args...), true
		}
	}
	return "", false
}
