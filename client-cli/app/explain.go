package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"regexp"
	"strings"

	"github.com/mattn/go-sqlite3"

	"hodan/schema"
	"hodan/syncengine"
)

// explain turns an error into the one line the officer reads, in the
// officer's language.
func (a *app) explain(err error) string { return explainIn(a.lang, err) }

// explainIn turns an error into one line in l. Errors of Hodan's own
// packages are said from their type, sentinel or code, so that they read
// in Vietnamese too; anything else is shown as it is.
func explainIn(l lang, err error) string {
	return strings.Join(strings.Fields(explainText(l, err)), " ")
}

func explainText(l lang, err error) string {
	var msg *msgError
	var remote *syncengine.Error
	var failure *syncFailure
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var notTLS tls.RecordHeaderError
	var bad *schema.Error
	var lite sqlite3.Error
	if u, ok := err.(usageError); ok {
		return tr(l, "error.usage", explainIn(l, u.err))
	}
	if m, ok := err.(*msgError); ok {
		return msgText(l, m)
	}
	switch {
	case errors.As(err, &unknownCA):
		return tr(l, "error.tls_unknown_ca")
	case errors.As(err, &badHost):
		return tr(l, "error.tls_bad_host", badHost.Host, err.Error())
	case errors.As(err, &invalid):
		return sentinel(l, "error.tls_invalid", invalid)
	case errors.As(err, &notTLS) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return tr(l, "error.not_https")
	case errors.As(err, &remote):
		return refusal(l, remote.Code, remote.Message)
	case errors.As(err, &failure) && errors.As(err, &netErr):
		return tr(l, failure.unreachable(), failure.server, netErr.Error())
	case errors.As(err, &failure) && isRefused(err):
		return tr(l, failure.unreachable(), failure.server, err.Error())
	case errors.Is(err, syncengine.ErrDiverged):
		return sentinel(l, "error.diverged", err)
	case errors.Is(err, syncengine.ErrClockStillAhead):
		return sentinel(l, "error.clock_still_ahead", err)
	case errors.Is(err, syncengine.ErrClockAhead):
		return sentinel(l, "error.clock_ahead", err)
	case isBusy(err):
		return tr(l, "input.db_busy")
	case errors.As(err, &lite) && lite.Code == sqlite3.ErrFull:
		return tr(l, "input.disk_full")
	case errors.As(err, &bad):
		return schemaText(l, bad)
	case errors.As(err, &msg):
		return msgText(l, msg)
	}
	if s, ok := cobraText(l, err.Error()); ok {
		return s
	}
	return err.Error()
}

// msgText is m in l, its errors explained in l.
func msgText(l lang, m *msgError) string {
	return m.Format(l, func(err error) string { return explainIn(l, err) })
}

// errorCode is err's code for programs, as --json prints it: the server's
// code for its refusals, the schema's for a value it refuses, a name of
// the mistake for Hodan's own messages, "usage" for a command line that
// makes no sense, and "error" for anything else.
func errorCode(err error) string {
	var u usageError
	var remote *syncengine.Error
	var failure *syncFailure
	var bad *schema.Error
	var msg *msgError
	var lite sqlite3.Error
	switch {
	case errors.As(err, &u):
		return "usage"
	case errors.As(err, &remote):
		return remote.Code
	}
	for sentinel, code := range map[error]string{syncengine.ErrDiverged: "diverged", syncengine.ErrClockStillAhead: "clock_still_ahead",
		syncengine.ErrClockAhead: "clock_ahead", syncengine.ErrNothingToRepair: "nothing_to_repair"} {
		if errors.Is(err, sentinel) {
			return code
		}
	}
	switch {
	case errors.As(err, &failure):
		return "unreachable"
	case isBusy(err):
		return "database_busy"
	case errors.As(err, &lite) && lite.Code == sqlite3.ErrFull:
		return "disk_full"
	case errors.As(err, &bad):
		return bad.Code
	case errors.As(err, &msg):
		return msg.Code()
	}
	if _, ok := cobraText(langEN, err.Error()); ok {
		return "usage"
	}
	return "error"
}

// errorJSON is err as --json prints it, said in l: the one shape of every
// command's failure, the same as the server's.
func errorJSON(l lang, err error) syncengine.ErrorResponse {
	return syncengine.ErrorResponse{Error: syncengine.Error{Code: errorCode(err), Message: explainIn(l, err)}}
}

// sentinel says err, an error of syncengine's, in l: in English its own
// words and what to do, in Vietnamese the message alone.
func sentinel(l lang, key string, err error) string {
	if l == langEN {
		return tr(l, key, err.Error())
	}
	return tr(l, key)
}

// isBusy reports whether err is SQLite's "database is locked": another
// process (another hodan command) holds the database's write lock.
func isBusy(err error) bool {
	var lite sqlite3.Error
	return errors.As(err, &lite) && (lite.Code == sqlite3.ErrBusy || lite.Code == sqlite3.ErrLocked)
}

func isRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// refusal says why the server refused, from its code; in English with the
// server's own words, which are English.
func refusal(l lang, code, message string) string {
	if l == langEN {
		return tr(l, "refusal", code, message)
	}
	text := tr(l, "refusal."+code)
	if strings.HasPrefix(text, "[") {
		text = tr(l, "refusal.other", code)
	}
	return tr(l, "refusal", code, text)
}

// schemaText says a schema error in l: in English its own message, in
// Vietnamese from its code, reason and args, with the column by its label.
func schemaText(l lang, e *schema.Error) string {
	if l == langEN {
		return e.Message
	}
	col := columnLabel(e.Column)
	switch e.Code {
	case schema.CodeRequired:
		if e.Reason == schema.ReasonCleared {
			return tr(l, "schema.cleared", col)
		}
		return tr(l, "schema.required", col)
	case schema.CodeImmutable:
		if e.Reason == schema.ReasonInternal {
			return tr(l, "schema.internal", col)
		}
		return tr(l, "schema.immutable", col)
	case schema.CodeUnknownColumn:
		return tr(l, "schema.unknown_column", append([]any{e.Column}, e.Args...)...)
	}
	text, ok := schemaReason(l, e)
	if !ok {
		return tr(l, "schema.invalid", col, e.Message)
	}
	return col + ": " + text
}

// schemaReason says in l what rule a value broke, without the column: in
// English the schema's own message; false if the catalogue does not say
// the reason.
func schemaReason(l lang, e *schema.Error) (string, bool) {
	if l == langEN {
		return e.Message, true
	}
	key := "schema." + e.Reason
	if e.Reason == schema.ReasonPattern {
		key = "schema.pattern." + e.Column
	}
	text := tr(l, key, e.Args...)
	return text, e.Reason != "" && !strings.HasPrefix(text, "[")
}

// columnLabel is the Vietnamese label of a column, and its name: the same
// name has one label in every table that has it.
func columnLabel(name string) string {
	for _, t := range schema.Tables() {
		if c, ok := t.Column(name); ok {
			return c.Label + " (" + name + ")"
		}
	}
	return name
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
