package audit

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// Decoding an entry record without encoding/json. Nearly every line of an
// export is an entry, and encoding/json's reflection took about 7 µs of
// each, more than its hashes and its merge together: replay ran at 0.3 of
// the merge's rate. decodeEntry reads the one shape Export writes (the
// fields in Record's order, no spaces, strings without escapes, integers
// only) and declines anything else, which encoding/json then decodes as
// before: what it accepts, it decodes exactly as encoding/json does
// (FuzzDecodeEntry), so a file written by another tool in another shape
// verifies alike, only slower.

// decodeEntry decodes line, one line of an export with its newline, into
// rec if it is an entry record in Export's shape, and reports whether it
// did. rec is written only when it reports true.
func decodeEntry(line []byte, rec *Record) bool {
	line = bytes.TrimSuffix(line, []byte("\n"))
	s := scanner{b: line}
	var r Record
	r.Type = TypeEntry
	s.lit(`{"type":"entry",`)
	if s.maybe(`"batch":`) {
		r.Batch = s.uint()
		s.lit(`,`)
	}
	s.lit(`"seq":`)
	r.Seq = s.uint()
	s.lit(`,"change":`)
	var c syncengine.Change
	s.change(&c)
	s.lit(`,"hash":`)
	var h syncengine.Hash
	if hex := s.str(); !s.bad && h.UnmarshalText([]byte(hex)) != nil {
		s.fail()
	}
	s.lit(`}`)
	if s.bad || len(s.b) != 0 {
		return false
	}
	r.Change, r.Hash = &c, &h
	*rec = r
	return true
}

// scanner reads the canonical shape of a record from the front of b. Once
// bad is set it reads nothing more, and what it returned is to be dropped.
type scanner struct {
	b   []byte
	bad bool
}

func (s *scanner) fail() { s.bad, s.b = true, nil }

// lit reads the literal text l.
func (s *scanner) lit(l string) {
	if !s.maybe(l) {
		s.fail()
	}
}

// maybe reads l if the text starts with it, and reports whether it did.
func (s *scanner) maybe(l string) bool {
	if s.bad || !bytes.HasPrefix(s.b, []byte(l)) {
		return false
	}
	s.b = s.b[len(l):]
	return true
}

// number reads a JSON integer: an optional minus, then 0 or digits not
// starting with 0. A fraction or an exponent fails.
func (s *scanner) number() string {
	i := 0
	if i < len(s.b) && s.b[i] == '-' {
		i++
	}
	start := i
	for i < len(s.b) && s.b[i] >= '0' && s.b[i] <= '9' {
		i++
	}
	digits := i - start
	if digits == 0 || (digits > 1 && s.b[start] == '0') || (i < len(s.b) && (s.b[i] == '.' || s.b[i] == 'e' || s.b[i] == 'E')) {
		s.fail()
		return ""
	}
	n := string(s.b[:i])
	s.b = s.b[i:]
	return n
}

// uint reads a number encoding/json decodes into a uint64.
func (s *scanner) uint() uint64 {
	n, err := strconv.ParseUint(s.number(), 10, 64)
	if err != nil {
		s.fail()
	}
	return n
}

// str reads a string with no escape and no control character, in valid
// UTF-8: its text is its bytes.
func (s *scanner) str() string {
	if len(s.b) == 0 || s.b[0] != '"' {
		s.fail()
		return ""
	}
	end := bytes.IndexByte(s.b[1:], '"')
	if end < 0 {
		s.fail()
		return ""
	}
	raw := s.b[1 : 1+end]
	for _, c := range raw {
		if c < 0x20 || c == '\\' {
			s.fail()
			return ""
		}
	}
	if !utf8.Valid(raw) {
		s.fail()
		return ""
	}
	s.b = s.b[2+end:]
	return string(raw)
}

// uuid reads a UUID in its 36-character form.
func (s *scanner) uuid() uuid.UUID {
	t := s.str()
	if s.bad || len(t) != 36 {
		s.fail()
		return uuid.UUID{}
	}
	id, err := uuid.Parse(t)
	if err != nil {
		s.fail()
	}
	return id
}

// change reads a change as Change's JSON writes it.
func (s *scanner) change(c *syncengine.Change) {
	s.lit(`{"t":`)
	c.Table = s.str()
	s.lit(`,"r":`)
	c.Row = s.uuid()
	if s.maybe(`,"c":`) {
		c.Column = s.str()
	}
	s.lit(`,"v":`)
	c.Value = s.value()
	s.lit(`,"h":`)
	c.HLC = syncengine.HLC(s.uint())
	if s.maybe(`,"b":`) {
		c.Base = syncengine.HLC(s.uint())
	}
	s.lit(`,"l":`)
	c.CL = s.uint()
	s.lit(`,"p":`)
	c.Scope = s.str()
	s.lit(`,"s":`)
	c.Site = s.uuid()
	s.lit(`,"q":`)
	c.Seq = s.uint()
	s.lit(`}`)
}

// value reads a null, a text or an integer value; a real or a blob fails.
func (s *scanner) value() syncengine.Value {
	switch {
	case s.maybe(`null`):
		return syncengine.Null()
	case len(s.b) > 0 && s.b[0] == '"':
		return syncengine.Text(s.str())
	}
	i, err := strconv.ParseInt(s.number(), 10, 64)
	if err != nil {
		s.fail()
	}
	return syncengine.Int(i)
}
