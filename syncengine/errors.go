package syncengine

import (
	"errors"
	"fmt"
)

// Error is an error a user can act on: Code is stable for programs, Message
// is for people.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error formats the error as "code: message".
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Error codes of the protocol.
const (
	CodeBadRequest    = "bad_request"
	CodeUnauthorized  = "unauthorized"
	CodeRevoked       = "revoked"
	CodeRateLimited   = "rate_limited"
	CodeForbidden     = "forbidden"
	CodeTooLarge      = "too_large"
	CodeNotFound      = "not_found"
	CodeSequenceGap   = "sequence_gap"
	CodeOutOfScope    = "out_of_scope"
	CodeScopeMismatch = "scope_mismatch"
	CodeInvalidValue  = "invalid_value"
	CodeUnknownTable  = "unknown_table"
	CodeUnknownColumn = "unknown_column"
	CodeClockSkew     = "clock_skew"
	CodeForeignOrigin = "foreign_origin"
	CodeSeqReused     = "sequence_reused"
	CodeUnsigned      = "unsigned"
	CodeBadSignature  = "bad_signature"
	CodeNoDivergence  = "no_divergence"
	CodeSiteKnown     = "site_known"
	CodeInternal      = "internal"
)

// ErrorOf returns what a peer may be told of err: the *Error err wraps, or
// the Error its sentinel maps to (the one place where the engine's
// sentinels get their codes), or nil if err is internal — a failure of
// this replica, to be logged and answered as CodeInternal, never shown.
func ErrorOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	code, hint := codeOf(err)
	if code == "" {
		return nil
	}
	if hint != "" {
		return &Error{Code: code, Message: err.Error() + ": " + hint}
	}
	return &Error{Code: code, Message: err.Error()}
}

// codeOf maps the sentinels of a received batch or change to their code,
// with what the sender should do, if there is more to say than the error.
// Sentinels of a replica's own work (local writes, the client's checks of
// a server, snapshots) never reach a peer and have no code: the CLI
// explains them by errors.Is.
func codeOf(err error) (code, hint string) {
	switch {
	case errors.Is(err, ErrSequenceGap):
		return CodeSequenceGap, "ask /v1/versions and push from there"
	case errors.Is(err, ErrSequenceReused):
		return CodeSeqReused, "the server holds other changes under these numbers (this database is an older copy, or a copy used on another laptop); nothing was applied: update hodan and sync again, it continues under a new identity and loses nothing"
	case errors.Is(err, ErrBadChange):
		return CodeBadRequest, ""
	case errors.Is(err, ErrScopeMismatch):
		return CodeScopeMismatch, ""
	}
	return "", ""
}
