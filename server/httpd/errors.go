package httpd

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"hodan/server/registry"
	"hodan/syncengine"
)

// statusOf maps an error code to its HTTP status. It is the one place where
// this happens.
func statusOf(code string) int {
	switch code {
	case syncengine.CodeBadRequest, syncengine.CodeInvalidValue, syncengine.CodeUnsigned:
		return http.StatusBadRequest
	case syncengine.CodeUnauthorized, syncengine.CodeRevoked:
		return http.StatusUnauthorized
	case syncengine.CodeRateLimited:
		return http.StatusTooManyRequests
	case syncengine.CodeForbidden, syncengine.CodeOutOfScope, syncengine.CodeForeignOrigin, syncengine.CodeBadSignature:
		return http.StatusForbidden
	case syncengine.CodeNotFound:
		return http.StatusNotFound
	case syncengine.CodeSequenceGap, syncengine.CodeSeqReused, syncengine.CodeNoDivergence, syncengine.CodeSiteKnown:
		return http.StatusConflict
	case syncengine.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case syncengine.CodeUnknownTable, syncengine.CodeUnknownColumn:
		return http.StatusUnprocessableEntity
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

const (
	codeUnsupportedMedia = "unsupported_media_type"
	codeMethodNotAllowed = "method_not_allowed"
)

// fail is an error with a code and a message for the caller.
func fail(code, message string) *syncengine.Error {
	return &syncengine.Error{Code: code, Message: message}
}

// errorHandler answers every error as JSON with a stable code. Errors
// that have none (syncengine.ErrorOf) are logged, with the device that
// made the request, and answered as "internal", never with their text: the
// device tries again at its next sync.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := asProtocolError(err)
		if e.Code == syncengine.CodeInternal {
			args := []any{"method", c.Request().Method, "path", c.Path(), "err", err}
			if dev, ok := c.Get(deviceKey).(registry.Device); ok {
				args = append(args, "device", dev.ID, "officer", dev.Officer)
			}
			log.Error("request failed", args...)
		}
		status := statusOf(e.Code)
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.JSON(status, syncengine.ErrorResponse{Error: *e})
	}
}

// asProtocolError is what the caller is told of err.
func asProtocolError(err error) *syncengine.Error {
	if pe := syncengine.ErrorOf(err); pe != nil {
		return pe
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return fail(syncengine.CodeNotFound, "no such endpoint: see the protocol in syncengine/protocol.go")
		case http.StatusMethodNotAllowed:
			return fail(codeMethodNotAllowed, "this endpoint does not take that method")
		case http.StatusRequestEntityTooLarge:
			return fail(syncengine.CodeTooLarge, "the request body is too large")
		case http.StatusUnauthorized:
			return fail(syncengine.CodeUnauthorized, "missing or malformed Authorization header: send \"Authorization: Bearer TOKEN\"")
		}
	}
	return fail(syncengine.CodeInternal, "the server could not complete the request; it has been logged: try again later")
}
