package app

import (
	"errors"
	"strings"

	"hodan/internal/clitext"
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
	if s, ok := clitext.CobraError(l, err.Error()); ok {
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
	if _, ok := clitext.CobraError(langEN, err.Error()); ok && code == "error" {
		return "usage"
	}
	return code
}

// errorJSON is err as --json prints it, said in l: the one shape of every
// command's failure, the same as the server's.
func errorJSON(l lang, err error) syncengine.ErrorResponse {
	return syncengine.ErrorResponse{Error: syncengine.Error{Code: errorCode(err), Message: explainIn(l, err)}}
}
