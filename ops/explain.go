package ops

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/mattn/go-sqlite3"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// Explain turns an error into the one line a person reads, in l. Errors of
// Hodan's own packages are said from their type, sentinel or code, so
// that they read in Vietnamese too; anything else is shown as it is.
func Explain(l i18n.Lang, err error) string {
	if s, ok := ExplainKnown(l, err); ok {
		return s
	}
	return oneLine(err.Error())
}

// ExplainKnown is Explain for the errors Hodan knows; false, and nothing,
// for any other (a front end may know more: a command line's mistakes).
func ExplainKnown(l i18n.Lang, err error) (string, bool) {
	s, ok := explainText(l, err)
	return oneLine(s), ok
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func explainText(l i18n.Lang, err error) (string, bool) {
	var msg *i18n.Error
	var remote *syncengine.Error
	var exchange *ExchangeError
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var notTLS tls.RecordHeaderError
	var bad *schema.Error
	var lite sqlite3.Error
	if m, ok := err.(*i18n.Error); ok {
		return messageText(l, m), true
	}
	switch {
	case errors.As(err, &unknownCA):
		return i18n.T(l, "error.tls_unknown_ca"), true
	case errors.As(err, &badHost):
		return i18n.T(l, "error.tls_bad_host", badHost.Host, err.Error()), true
	case errors.As(err, &invalid):
		return sentinel(l, "error.tls_invalid", invalid), true
	case errors.As(err, &notTLS) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return i18n.T(l, "error.not_https"), true
	case errors.As(err, &remote):
		return Refusal(l, remote.Code, remote.Message), true
	case errors.As(err, &exchange) && errors.As(err, &netErr):
		return i18n.T(l, exchange.unreachable(), exchange.Server, netErr.Error()), true
	case errors.As(err, &exchange) && isRefused(err):
		return i18n.T(l, exchange.unreachable(), exchange.Server, err.Error()), true
	case errors.Is(err, syncengine.ErrDiverged):
		return sentinel(l, "error.diverged", err), true
	case errors.Is(err, syncengine.ErrClockStillAhead):
		return sentinel(l, "error.clock_still_ahead", err), true
	case errors.Is(err, syncengine.ErrClockAhead):
		return sentinel(l, "error.clock_ahead", err), true
	case syncengine.IsBusy(err):
		return i18n.T(l, "input.db_busy"), true
	case errors.As(err, &lite) && lite.Code == sqlite3.ErrFull:
		return i18n.T(l, "input.disk_full"), true
	case errors.As(err, &bad):
		return schemaText(l, bad), true
	case errors.As(err, &msg):
		return messageText(l, msg), true
	}
	return "", false
}

// messageText is m in l, the errors among its arguments explained in l.
func messageText(l i18n.Lang, m *i18n.Error) string {
	return m.Format(l, func(err error) string { return Explain(l, err) })
}

// Code is err's code for programs, as a front end's JSON carries it: the
// server's code for its refusals, the schema's for a value it refuses, a
// name of the mistake for an *i18n.Error, and "error" for anything else.
func Code(err error) string {
	var remote *syncengine.Error
	var exchange *ExchangeError
	var bad *schema.Error
	var msg *i18n.Error
	var lite sqlite3.Error
	if errors.As(err, &remote) {
		return remote.Code
	}
	for sentinel, code := range map[error]string{syncengine.ErrDiverged: "diverged", syncengine.ErrClockStillAhead: "clock_still_ahead",
		syncengine.ErrClockAhead: "clock_ahead", syncengine.ErrNothingToRepair: "nothing_to_repair"} {
		if errors.Is(err, sentinel) {
			return code
		}
	}
	switch {
	case errors.As(err, &exchange):
		return "unreachable"
	case syncengine.IsBusy(err):
		return "database_busy"
	case errors.As(err, &lite) && lite.Code == sqlite3.ErrFull:
		return "disk_full"
	case errors.As(err, &bad):
		return bad.Code
	case errors.As(err, &msg):
		return msg.Code()
	}
	return "error"
}

// sentinel says err, an error of syncengine's, in l: in English its own
// words and what to do, in Vietnamese the message alone.
func sentinel(l i18n.Lang, key string, err error) string {
	if l == i18n.EN {
		return i18n.T(l, key, err.Error())
	}
	return i18n.T(l, key)
}

func isRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// Refusal says why the server refused, from its code; in English with the
// server's own words, which are English.
func Refusal(l i18n.Lang, code, message string) string {
	return RejectionText(l, syncengine.Rejection{Code: code, Message: message})
}

// schemaText says a schema error in l: in English its own message, in
// Vietnamese from its code, reason and args, with the column by its label.
func schemaText(l i18n.Lang, e *schema.Error) string {
	if l == i18n.EN {
		return e.Message
	}
	col := ColumnLabel(e.Column)
	switch e.Code {
	case schema.CodeRequired:
		if e.Reason == schema.ReasonCleared {
			return i18n.T(l, "schema.cleared", col)
		}
		return i18n.T(l, "schema.required", col)
	case schema.CodeImmutable:
		if e.Reason == schema.ReasonInternal {
			return i18n.T(l, "schema.internal", col)
		}
		return i18n.T(l, "schema.immutable", col)
	case schema.CodeUnknownColumn:
		return i18n.T(l, "schema.unknown_column", append([]any{e.Column}, e.Args...)...)
	}
	text, ok := SchemaReason(l, e)
	if !ok {
		return i18n.T(l, "schema.invalid", col, e.Message)
	}
	return col + ": " + text
}

// SchemaReason says in l what rule a value broke, without the column: in
// English the schema's own message; false if the catalogue does not say
// the reason.
func SchemaReason(l i18n.Lang, e *schema.Error) (string, bool) {
	if l == i18n.EN {
		return e.Message, true
	}
	return schemaCatalogue(l, e)
}

// schemaCatalogue says in l, from the catalogue, what rule a value broke,
// without the column; false if the catalogue does not say the reason.
func schemaCatalogue(l i18n.Lang, e *schema.Error) (string, bool) {
	key := "schema." + e.Reason
	if e.Reason == schema.ReasonPattern {
		key = "schema.pattern." + e.Column
	}
	text := i18n.T(l, key, e.Args...)
	return text, e.Reason != "" && !strings.HasPrefix(text, "[")
}

// ColumnLabel is the Vietnamese label of a column, and its name: the same
// name has one label in every table that has it.
func ColumnLabel(name string) string {
	if t, ok := tableOfColumn(name); ok {
		c, _ := t.Column(name)
		return c.Label + " (" + name + ")"
	}
	return name
}

// tableOfColumn is the first table that has a column of that name: the
// same name has one label in every table that has it.
func tableOfColumn(name string) (*schema.Table, bool) {
	for _, t := range schema.Tables() {
		if _, ok := t.Column(name); ok {
			return t, true
		}
	}
	return nil, false
}
