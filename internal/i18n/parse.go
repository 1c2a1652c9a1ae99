package i18n

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseFile reads one catalogue file: a JSON object mapping each key to an
// object of texts by language. Every hodan command reads the whole
// catalogue before it says anything, and encoding/json's reflection took
// about 4 ms of a 12 ms start (a third of a CLI write); this reader takes
// the one shape the catalogue has in a single pass. Anything it does not
// read (another shape, an escape it does not know, bytes that are not
// UTF-8) goes to encoding/json, whose result or error is the answer: the
// reader is a shortcut, never a second definition of the format.
func parseFile(body []byte) (map[string]map[Lang]string, error) {
	p := catalogueParser{b: string(body)}
	if file, ok := p.file(); ok {
		return file, nil
	}
	var file map[string]map[Lang]string
	if err := json.Unmarshal(body, &file); err != nil {
		return nil, err
	}
	return file, nil
}

// catalogueParser reads a catalogue file from b, at i. The texts it
// returns without escapes are slices of b: one copy of the file, not one
// a text.
type catalogueParser struct {
	b string
	i int
}

// errShape stops the reader where it leaves the file to encoding/json.
var errShape = errors.New("not the catalogue's shape")

func (p *catalogueParser) file() (map[string]map[Lang]string, bool) {
	if !utf8.ValidString(p.b) {
		return nil, false // encoding/json replaces bad bytes; leave it that
	}
	file := map[string]map[Lang]string{}
	err := p.object(func(key string) error {
		texts := make(map[Lang]string, 2)
		err := p.object(func(lang string) error {
			text, err := p.str()
			texts[Lang(lang)] = text
			return err
		})
		file[key] = texts
		return err
	})
	if err != nil {
		return nil, false
	}
	p.space()
	return file, p.i == len(p.b)
}

// object reads {"name": value, ...}, calling value after each name with
// the reader on the value.
func (p *catalogueParser) object(value func(name string) error) error {
	if !p.take('{') {
		return errShape
	}
	if p.take('}') {
		return nil
	}
	for {
		name, err := p.str()
		if err != nil {
			return err
		}
		if !p.take(':') {
			return errShape
		}
		if err := value(name); err != nil {
			return err
		}
		if p.take('}') {
			return nil
		}
		if !p.take(',') {
			return errShape
		}
	}
}

// take skips white space and then c, if c is next.
func (p *catalogueParser) take(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *catalogueParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// str reads a JSON string.
func (p *catalogueParser) str() (string, error) {
	if !p.take('"') {
		return "", errShape
	}
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", errShape
		}
		p.i++
	}
	return "", errShape
}

// escaped reads the rest of a string that has an escape, from start.
func (p *catalogueParser) escaped(start int) (string, error) {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", errShape
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return "", errShape
		}
		p.i += 2
		switch e := p.b[p.i-1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errShape
			}
			if utf16.IsSurrogate(r) {
				// A pair, or encoding/json's replacement character.
				lo, ok := rune(-1), false
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					if lo, ok = p.hex4(); !ok {
						return "", errShape
					}
				}
				if r = utf16.DecodeRune(r, lo); r == utf8.RuneError {
					return "", errShape
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errShape
		}
	}
	return "", errShape
}

// hex4 reads the four hex digits of a \u escape.
func (p *catalogueParser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.b[p.i:p.i+4], 16, 16)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}
