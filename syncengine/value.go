package syncengine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the type of a cell value.
type Kind uint8

// The kinds of value a cell can hold, in the order Compare sorts them.
const (
	KindNull Kind = iota
	KindInt
	KindReal
	KindText
	KindBlob
)

// Value is the content of one cell: NULL, a 64-bit integer, a finite 64-bit
// float (the sign of zero is kept), UTF-8 text or bytes. The zero Value is
// NULL. Values are immutable.
type Value struct {
	kind Kind
	i    int64
	f    float64
	s    string // text, or the bytes of a blob
}

// Null is the NULL value.
func Null() Value { return Value{} }

// Int is an integer value.
func Int(i int64) Value { return Value{kind: KindInt, i: i} }

// Real is a float value. f must be finite; use ValueOf to check.
func Real(f float64) Value { return Value{kind: KindReal, f: f} }

// Text is a text value. s must be valid UTF-8; use ValueOf to check.
func Text(s string) Value { return Value{kind: KindText, s: s} }

// Blob is a byte-string value.
func Blob(b []byte) Value { return Value{kind: KindBlob, s: string(b)} }

// ErrBadValue is returned for a value a cell cannot hold.
var ErrBadValue = errors.New("bad value")

// ValueOf converts a Go value as database/sql returns it (nil, int64,
// float64, string, []byte, bool, int) into a Value.
func ValueOf(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Null(), nil
	case Value:
		return x, nil
	case int64:
		return Int(x), nil
	case int:
		return Int(int64(x)), nil
	case bool:
		if x {
			return Int(1), nil
		}
		return Int(0), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, fmt.Errorf("%w: %v is not a finite number", ErrBadValue, x)
		}
		return Real(x), nil
	case string:
		if !utf8.ValidString(x) {
			return Value{}, fmt.Errorf("%w: text is not valid UTF-8", ErrBadValue)
		}
		return Text(x), nil
	case []byte:
		return Blob(x), nil
	default:
		return Value{}, fmt.Errorf("%w: unsupported type %T", ErrBadValue, x)
	}
}

// Kind is v's type.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Any returns v as the Go value database/sql uses: nil, int64, float64,
// string or []byte.
func (v Value) Any() any {
	switch v.kind {
	case KindInt:
		return v.i
	case KindReal:
		return v.f
	case KindText:
		return v.s
	case KindBlob:
		return []byte(v.s)
	}
	return nil
}

// Equal reports whether v and w are the same value, bit for bit (so 0.0 and
// -0.0 differ, as they do in the digest).
func (v Value) Equal(w Value) bool { return Compare(v, w) == 0 }

// Compare orders values by kind, then by content. It is a total order used
// only to break ties deterministically.
func Compare(v, w Value) int {
	if v.kind != w.kind {
		return int(v.kind) - int(w.kind)
	}
	switch v.kind {
	case KindInt:
		return cmpInt(v.i, w.i)
	case KindReal:
		return cmpInt(int64(math.Float64bits(v.f)), int64(math.Float64bits(w.f)))
	case KindText, KindBlob:
		return strings.Compare(v.s, w.s)
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String formats v for people: NULL, the number, or the text.
func (v Value) String() string {
	switch v.kind {
	case KindInt:
		return strconv.FormatInt(v.i, 10)
	case KindReal:
		return formatReal(v.f)
	case KindText:
		return v.s
	case KindBlob:
		return "x'" + fmt.Sprintf("%x", v.s) + "'"
	}
	return "NULL"
}

// appendCanonical appends v's canonical encoding, used by digests: a kind
// byte, then 8 big-endian bytes for numbers or a length-prefixed string.
func (v Value) appendCanonical(b []byte) []byte {
	b = append(b, byte(v.kind))
	switch v.kind {
	case KindInt:
		b = binary.BigEndian.AppendUint64(b, uint64(v.i))
	case KindReal:
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(v.f))
	case KindText, KindBlob:
		b = binary.BigEndian.AppendUint32(b, uint32(len(v.s)))
		b = append(b, v.s...)
	}
	return b
}

// formatReal formats f so that it always reads back as a float: it always
// has a '.', an exponent, or both, and -0 keeps its sign.
func formatReal(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// MarshalJSON encodes v as JSON: null, an integer number, a number with a
// fraction or exponent for a float, a string for text, and {"x": base64}
// for a blob.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindInt:
		return strconv.AppendInt(nil, v.i, 10), nil
	case KindReal:
		return []byte(formatReal(v.f)), nil
	case KindText:
		return json.Marshal(v.s)
	case KindBlob:
		return json.Marshal(struct {
			X []byte `json:"x"`
		}{[]byte(v.s)})
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes, refusing anything else.
func (v *Value) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", ErrBadValue)
	}
	switch c := data[0]; {
	case c == 'n':
		if string(data) != "null" {
			return fmt.Errorf("%w: %.20q", ErrBadValue, data)
		}
		*v = Null()
		return nil
	case c == '"':
		// encoding/json would replace invalid bytes with U+FFFD: text in
		// another encoding would be altered without a word.
		if !utf8.Valid(data) {
			return fmt.Errorf("%w: text is not valid UTF-8", ErrBadValue)
		}
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%w: %w", ErrBadValue, err)
		}
		*v = Text(s)
		return nil
	case c == '{':
		return v.unmarshalBlob(data)
	case c == '-' || (c >= '0' && c <= '9'):
		return v.unmarshalNumber(string(data))
	}
	return fmt.Errorf("%w: %.20q is not null, a number, a string or a blob", ErrBadValue, data)
}

// unmarshalBlob decodes {"x": base64}. Any other member is refused, not
// ignored: it would be lost on the way into the log.
func (v *Value) unmarshalBlob(data []byte) error {
	var x struct {
		X *[]byte `json:"x"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil || x.X == nil || dec.InputOffset() != int64(len(data)) {
		return fmt.Errorf("%w: an object value must be {\"x\": base64} and nothing more", ErrBadValue)
	}
	*v = Blob(*x.X)
	return nil
}

func (v *Value) unmarshalNumber(s string) error {
	if !json.Valid([]byte(s)) {
		return fmt.Errorf("%w: malformed number %.30q", ErrBadValue, s)
	}
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) {
			return fmt.Errorf("%w: float %.30q out of range", ErrBadValue, s)
		}
		*v = Real(f)
		return nil
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: integer %.30q out of range", ErrBadValue, s)
	}
	*v = Int(i)
	return nil
}
