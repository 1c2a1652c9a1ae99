package schema

// Error is a value or write that breaks a rule of the domain. Code is stable
// for programs; Message is one line for people and names the column.
type Error struct {
	Code    string
	Column  string
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Codes of Error.
const (
	CodeInvalidValue  = "invalid_value"
	CodeUnknownColumn = "unknown_column"
	CodeRequired      = "required"
	CodeImmutable     = "immutable"
)
