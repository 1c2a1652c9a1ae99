package schema

// Error is a value or write that breaks a rule of the domain. Code is stable
// for programs; Message is one line for people and names the column.
// Reason and Args let a program say the same in another language: Reason
// (one of the Reason constants, or empty) names the rule broken, and Args
// are the values the message was made with, without the column's name.
type Error struct {
	Code    string
	Column  string
	Message string
	Reason  string
	Args    []any
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

// Reasons of an Error, with the Args each carries.
const (
	ReasonType         = "type"          // describe the type, the value's Go type
	ReasonBool         = "bool"          // the integer given
	ReasonFinite       = "finite"        // none
	ReasonRange        = "range"         // min, max, value, as text
	ReasonUTF8         = "utf8"          // none
	ReasonLength       = "length"        // length, maximum
	ReasonDate         = "date"          // the text given
	ReasonEarlyDate    = "early_date"    // the date given, EarliestDate, both dd/mm/yyyy
	ReasonJSON         = "json"          // the decoding error
	ReasonRowID        = "row_id"        // the text given
	ReasonChoice       = "choice"        // the text given, the choices, their Vietnamese words
	ReasonPattern      = "pattern"       // the text given, the hint
	ReasonEthnicGroup  = "ethnic_group"  // the code given
	ReasonProject1719  = "project_1719"  // the code given
	ReasonCommune      = "commune"       // the code given
	ReasonOldCommune   = "old_commune"   // the code given, its old name, the communes it went into
	ReasonWholeNumber  = "whole_number"  // the text given
	ReasonNumber       = "number"        // the text given
	ReasonNumberFormat = "number_format" // the text given
	ReasonControl      = "control"       // the character as U+XXXX, its position
	ReasonBidi         = "bidi"          // the character as U+XXXX, its position
	ReasonLineBreak    = "line_break"    // the character as U+XXXX, its position
	ReasonUntrimmed    = "untrimmed"     // none
	ReasonNotNFC       = "not_nfc"       // none
	ReasonYesNo        = "yes_no"        // the text given
	ReasonInternal     = "internal"      // none: a column only Hodan's commands write (Code immutable)
	ReasonCleared      = "cleared"       // none: a required column cleared (Code required)
)
