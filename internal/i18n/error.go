package i18n

import "errors"

// Error is an error a person can act on, said from the catalogue: message
// Key formatted with Args, in the language of whoever reads it (In). A
// package that does not know its reader's language returns one; the front
// end says it in the reader's language. Args that are Localizers (another
// Error among them) are said in the same language.
type Error struct {
	Key  string
	Args []any
}

// Errorf makes the Error of message key with args.
func Errorf(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// Error is the message in Vietnamese, the default language.
func (e *Error) Error() string { return e.In(VI) }

// In is the message in l.
func (e *Error) In(l Lang) string { return T(l, e.Key, e.Args...) }

// Unwrap returns the errors among the args.
func (e *Error) Unwrap() []error { return ErrorsAmong(e.Args) }

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
