package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Type is the type of a column's values. Values travel and are stored as
// SQLite values: TEXT for Text, Date, JSON and Ref; INTEGER for Integer and
// Bool (0 or 1); REAL for Real.
type Type string

// The column types.
const (
	Text    Type = "text"
	Integer Type = "integer"
	Real    Type = "real"
	Bool    Type = "bool"
	Date    Type = "date" // YYYY-MM-DD
	JSON    Type = "json" // a JSON object, as text
	Ref     Type = "ref"  // the id of a row of another table
)

// Column is one column of a table and the rule its values obey. A NULL value
// is always allowed, except where Required forbids it.
type Column struct {
	Name      string
	Type      Type
	Label     string // Vietnamese, for people
	Required  bool   // must be set when the row is created, and never cleared
	Immutable bool   // set when the row is created, never changed
	// Officer marks a column that holds the officer enrolled on the device
	// that wrote it: Hodan fills it, nobody types it, and the server
	// refuses any other value.
	Officer bool
	// Internal marks a column only Hodan's own commands write (such as
	// households.merged_into, by household merge): never typed, never set.
	Internal bool
	// Money marks an Integer column that holds an amount in đồng.
	Money bool
	// MultiLine marks a Text column (notes) that may hold newlines and
	// tabs; see CleanText for the rule every Text value obeys.
	MultiLine bool
	// Enum, if set, lists the values a Text column may take.
	Enum []Choice
	// Code, if set, names the reference list a Text column's codes come from.
	Code CodeList
	// Refers names the table a Ref column's rows belong to.
	Refers string
	// Min and Max bound Integer and Real values when Max > Min.
	Min, Max float64
	// MaxLen bounds the length of Text values in characters; 0 means 1000.
	MaxLen int
	// Pattern, if set, is what a Text value must match in full, and
	// PatternHint says so in words.
	Pattern     *Pattern
	PatternHint string
}

// Choice is one value of an enumeration.
type Choice struct {
	Value string
	Label string // Vietnamese
	EN    string // English, for people who read the English pages
}

// In is the choice's label in lang ("vi" or "en"): its English label in
// English, its Vietnamese label otherwise.
func (ch Choice) In(lang string) string {
	if lang == "en" && ch.EN != "" {
		return ch.EN
	}
	return ch.Label
}

// Word is the choice as a Vietnamese officer types it: its label, a word
// in lower case without a leading "Hộ" ("cận nghèo" for Hộ cận nghèo,
// "nhà tạm"), an abbreviation as written ("NĐ 07/2021/NĐ-CP").
func (ch Choice) Word() string {
	r := []rune(strings.TrimPrefix(ch.Label, "Hộ "))
	if len(r) > 1 && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// ChoiceLabel is the Vietnamese label of value in the enumeration of
// table's column, or value itself when it is none of its choices.
func ChoiceLabel(table, column, value string) string {
	return ChoiceLabelIn("vi", table, column, value)
}

// ChoiceLabelIn is ChoiceLabel in lang ("vi" or "en").
func ChoiceLabelIn(lang, table, column, value string) string {
	if t, ok := TableByName(table); ok {
		if c, ok := t.Column(column); ok {
			return c.ChoiceLabelIn(lang, value)
		}
	}
	return value
}

// ChoiceLabel is the Vietnamese label of value in c's enumeration, or
// value itself when it is none of its choices.
func (c *Column) ChoiceLabel(value string) string {
	return c.ChoiceLabelIn("vi", value)
}

// ChoiceLabelIn is the label in lang ("vi" or "en") of value in c's
// enumeration, or value itself when it is none of its choices.
func (c *Column) ChoiceLabelIn(lang, value string) string {
	for _, ch := range c.Enum {
		if ch.Value == value {
			return ch.In(lang)
		}
	}
	return value
}

// CodeList names a reference list of codes.
type CodeList string

// The reference lists a column's codes can come from.
const (
	CodeEthnicGroup CodeList = "ethnic_group" // QĐ 121 (1979) codes 01–54
	CodeProject1719 CodeList = "project_1719" // DA1, DA1.ND2, DA3.TDA1, ...
	CodeCommune     CodeList = "commune"      // a commune code since 1 July 2025
)

const defaultMaxLen = 1000

// Check reports whether v (nil, int64, float64 or string, as database/sql
// and the sync engine carry values) obeys the column's rule.
func (c *Column) Check(v any) error {
	if v == nil {
		return nil
	}
	if err := c.checkType(v); err != nil {
		return err
	}
	switch x := v.(type) {
	case int64:
		return c.checkRange(float64(x))
	case float64:
		return c.checkRange(x)
	case string:
		return c.checkText(x)
	}
	return nil
}

func (c *Column) checkType(v any) error {
	ok := false
	switch v.(type) {
	case int64:
		ok = c.Type == Integer || c.Type == Bool
	case float64:
		ok = c.Type == Real
	case string:
		ok = c.Type == Text || c.Type == Date || c.Type == JSON || c.Type == Ref
	}
	if !ok {
		return c.invalid(ReasonType, "%s takes %s, not %T", c.Name, c.describeType(), v)
	}
	if b, isInt := v.(int64); isInt && c.Type == Bool && b != 0 && b != 1 {
		return c.invalid(ReasonBool, "%s is yes or no (1 or 0), not %d", c.Name, b)
	}
	return nil
}

func (c *Column) checkRange(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return c.invalid(ReasonFinite, "%s must be a finite number", c.Name)
	}
	if c.Max > c.Min && (f < c.Min || f > c.Max) {
		return c.invalid(ReasonRange, "%s must be between %s and %s, not %s", c.Name, fmtNum(c.Min), fmtNum(c.Max), fmtNum(f))
	}
	return nil
}

func (c *Column) checkText(s string) error {
	if !utf8.ValidString(s) {
		return c.invalid(ReasonUTF8, "%s is not valid UTF-8 text", c.Name)
	}
	if c.Type == Text || c.Type == JSON {
		if err := c.checkCharacters(s); err != nil {
			return err
		}
	}
	if n := utf8.RuneCountInString(s); n > c.maxLen() {
		return c.invalid(ReasonLength, "%s is %d characters long; at most %d", c.Name, n, c.maxLen())
	}
	switch c.Type {
	case Date:
		if err := c.checkDate(s); err != nil {
			return err
		}
	case JSON:
		var obj map[string]any
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return c.invalid(ReasonJSON, "%s is not a JSON object: %v", c.Name, err)
		}
	case Ref:
		if _, err := uuid.Parse(s); err != nil || len(s) != 36 {
			return c.invalid(ReasonRowID, "%s %q is not a row id (a UUID such as 0190f5c2-…)", c.Name, s)
		}
	}
	if len(c.Enum) > 0 && !c.hasChoice(s) {
		return &Error{Code: CodeInvalidValue, Column: c.Name, Reason: ReasonChoice, Args: []any{s, c.choiceList(), c.labelList()},
			Message: fmt.Sprintf("%s %q is not one of: %s", c.Name, s, c.choiceList())}
	}
	if c.Code != "" {
		if err := c.Code.check(s); err != nil {
			return &Error{Code: CodeInvalidValue, Column: c.Name, Reason: err.Reason, Args: err.Args, Message: c.Name + " " + err.Message}
		}
	}
	if c.Pattern != nil && !c.Pattern.MatchString(s) {
		return c.invalid(ReasonPattern, "%s %q is not %s", c.Name, s, c.PatternHint)
	}
	return nil
}

// EarliestDate is the earliest date a Date column takes (a visit, support
// or a disaster of this century). A laptop whose clock battery died reads
// 1980 or so: a date before this one is such a clock's, never the real one.
const EarliestDate = "2000-01-01"

// checkDate checks a Date value: YYYY-MM-DD, not before EarliestDate.
func (c *Column) checkDate(s string) error {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return c.invalid(ReasonDate, "%s %q is not a date as YYYY-MM-DD", c.Name, s)
	}
	if s < EarliestDate {
		earliest, _ := time.Parse(time.DateOnly, EarliestDate)
		return &Error{Code: CodeInvalidValue, Column: c.Name, Reason: ReasonEarlyDate,
			Args:    []any{FormatDate(d), FormatDate(earliest)},
			Message: fmt.Sprintf("%s %s is before %s: no record is that old; a laptop whose clock battery died reads 1980, give the real date", c.Name, s, EarliestDate)}
	}
	return nil
}

func (c *Column) maxLen() int {
	if c.MaxLen > 0 {
		return c.MaxLen
	}
	return defaultMaxLen
}

func (c *Column) hasChoice(s string) bool {
	for _, ch := range c.Enum {
		if ch.Value == s {
			return true
		}
	}
	return false
}

func (c *Column) choiceList() string {
	vals := make([]string, len(c.Enum))
	for i, ch := range c.Enum {
		vals[i] = ch.Value
	}
	return strings.Join(vals, ", ")
}

// labelList is the choices as Vietnamese read them, lower case where the
// label is a word ("cận nghèo" for Hộ cận nghèo), for an error in
// Vietnamese.
func (c *Column) labelList() string {
	vals := make([]string, len(c.Enum))
	for i, ch := range c.Enum {
		vals[i] = ch.Word()
	}
	return strings.Join(vals, "; ")
}

func (c *Column) describeType() string {
	switch c.Type {
	case Integer:
		return "a whole number"
	case Real:
		return "a number"
	case Bool:
		return "yes or no"
	case Date:
		return "a date (YYYY-MM-DD)"
	case JSON:
		return "a JSON object"
	case Ref:
		return "a row id"
	}
	return "text"
}

// invalid is an invalid value of c for reason; format and args make the
// message, and args begin with the column's name, which Args leaves out.
func (c *Column) invalid(reason, format string, args ...any) error {
	return &Error{Code: CodeInvalidValue, Column: c.Name, Reason: reason, Args: args[1:], Message: fmt.Sprintf(format, args...)}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// check reports whether code is on the list: nil, or an Error with its
// Reason, Args and Message (without the column).
func (l CodeList) check(code string) *Error {
	switch l {
	case CodeEthnicGroup:
		if _, ok := EthnicGroupByCode(code); !ok {
			return reasonError(ReasonEthnicGroup, "%q is not an ethnic group code of QĐ 121 (01 Kinh … 54 Rơ-măm; see `hodan ref ethnic-groups`)", code)
		}
	case CodeProject1719:
		if _, ok := ProjectByCode(code); !ok {
			return reasonError(ReasonProject1719, "%q is not a project code of program 1719 (DA1 … DA10, DA1.ND2, DA3.TDA1, …; see `hodan ref projects`)", code)
		}
	case CodeCommune:
		return checkCommune(code)
	}
	return nil
}

// checkCommune accepts a commune code of the two-tier system in force since
// 1 July 2025, and explains a code of the old system.
func checkCommune(code string) *Error {
	if _, ok := CommuneByCode(code); ok {
		return nil
	}
	if old, ok := CommuneBefore2025(code); ok {
		var into []string
		for _, s := range SuccessorsOf(code) {
			if c, ok := CommuneByCode(s.NewCode); ok {
				into = append(into, s.NewCode+" "+c.Name)
			}
		}
		return reasonError(ReasonOldCommune, "%q was %s before 1 July 2025 and is no commune now; it went into %s", code, old.Name, strings.Join(into, ", "))
	}
	return reasonError(ReasonCommune, "%q is not a commune code (5 digits, as in the list of 3,321 communes since 1 July 2025)", code)
}

func reasonError(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Args: args, Message: fmt.Sprintf(format, args...)}
}
