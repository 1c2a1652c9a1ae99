package i18n

import (
	"errors"
	"fmt"
	"strings"
)

// Error is an error a person reads: a catalogue message and its
// arguments, said in a language only when it is shown, so that the code
// that fails need not know who reads it (the CLI, the officer's web app
// and the server's console say the same error each in its reader's
// language). An argument that is a Localizer is said in that language; an
// argument that is an error is said by the explain function Format is
// given (a front end's, which knows the errors of the engine and the
// schema), else in that language if it is a Localizer, else by its own
// text. Like fmt.Errorf's %w, Error unwraps to the errors among its
// arguments.
type Error struct {
	Key  string
	Args []any
}

// NewError makes an error of message key with args.
func NewError(key string, args ...any) error { return Errorf(key, args...) }

// Error is the message in Vietnamese, the default language.
func (e *Error) Error() string { return e.In(VI) }

// In is the message in l.
func (e *Error) In(l Lang) string { return e.Format(l, nil) }

// Format is the message in l, with the errors among its arguments said by
// explain (nil: as In says them).
func (e *Error) Format(l Lang, explain func(error) string) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		switch x := a.(type) {
		case error:
			args[i] = errorText(l, x, explain)
		case Localizer:
			args[i] = x.In(l)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(strings.ReplaceAll(Default().Text(l, e.Key), "%w", "%v"), args...)
}

func errorText(l Lang, err error, explain func(error) string) string {
	if explain != nil {
		return explain(err)
	}
	if x, ok := err.(Localizer); ok {
		return x.In(l)
	}
	return err.Error()
}

// Code is the error's code for programs: its key without the parts
// "error", "err" and "input" ("import.err.bad" is import_bad).
func (e *Error) Code() string {
	var parts []string
	for _, p := range strings.Split(e.Key, ".") {
		if p != "error" && p != "err" && p != "input" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "_")
}

// Unwrap returns the errors among the arguments.
func (e *Error) Unwrap() []error { return ErrorsAmong(e.Args) }

// Key is a message without arguments as an argument of another: "noun." +
// "household" is said as the word for a household in the reader's
// language.
type Key string

// In is the message in l.
func (k Key) In(l Lang) string { return T(l, string(k)) }

// Counted is n of something as message Key says it (see Count), as an
// argument of another message.
type Counted struct {
	N   int
	Key string
}

// In is the count in l.
func (c Counted) In(l Lang) string { return Count(l, c.N, c.Key) }

// Errorf makes the Error of message key with args (NewError, typed).
func Errorf(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// ErrorsAmong returns the errors among a message's args: what an error
// made of the message wraps.
func ErrorsAmong(args []any) []error {
	var out []error
	for _, a := range args {
		if err, ok := a.(error); ok {
			out = append(out, err)
		}
	}
	return out
}

// Explain says err in l: in l when it says itself (a Localizer, such as
// an Error), or when the first error of its chain that does is an Error
// that carries the whole message; otherwise its own text.
func Explain(l Lang, err error) string {
	if x, ok := err.(Localizer); ok {
		return x.In(l)
	}
	var e *Error
	if errors.As(err, &e) && err.Error() == e.Error() {
		return e.In(l)
	}
	return err.Error()
}
