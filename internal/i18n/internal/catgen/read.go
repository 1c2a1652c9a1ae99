// Package catgen turns the message catalogue's JSON files (the source
// translators edit, internal/i18n/messages/*.json) into the Go source of
// the catalogue package i18n compiles in (catalogue_gen.go), so that no
// command reads or parses JSON to say anything. The generator
// (internal/i18n/gen) writes the file; i18n's tests check that it is
// current.
package catgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Message is one key of the catalogue with its texts; a text missing from
// its file is "" (the catalogue's tests name it).
type Message struct {
	Key, VI, EN string
}

// Read reads every messages/*.json file of fsys: each a JSON object that
// maps a key to an object of texts by language ("vi", "en"). It returns
// the messages sorted by key. A file that is not such an object (an error
// names the file, with the line and column), a language other than vi and
// en, a key twice in one file or in two files (the error names both) are
// errors.
func Read(fsys fs.FS) ([]Message, error) {
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no messages/*.json here: run the generator in internal/i18n (go generate ./internal/i18n)")
	}
	var all []Message
	from := map[string]string{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		msgs, err := readFile(body)
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		for _, m := range msgs {
			if prev, ok := from[m.Key]; ok {
				return nil, fmt.Errorf("message %q is defined in both %s and %s: keep one", m.Key, prev, path.Base(name))
			}
			from[m.Key] = path.Base(name)
		}
		all = append(all, msgs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
	return all, nil
}

// readFile reads one catalogue file. Its errors begin with the line and
// column where reading stopped ("12:5: ...").
func readFile(body []byte) ([]Message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var msgs []Message
	err := object(dec, func(key string) error {
		m := Message{Key: key}
		err := object(dec, func(lang string) error { return text(dec, &m, lang) })
		msgs = append(msgs, m)
		return err
	})
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("more after the end of the catalogue's object")
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("the file ends inside an object: a closing } is missing")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", position(body, offset(dec, err)), err)
	}
	return msgs, nil
}

// text reads the text of m in lang from dec.
func text(dec *json.Decoder, m *Message, lang string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	s, ok := tok.(string)
	if !ok {
		return fmt.Errorf("the %s text of %q is not a string", lang, m.Key)
	}
	switch lang {
	case "vi":
		m.VI = s
	case "en":
		m.EN = s
	default:
		return fmt.Errorf("%q has a text in %q, a language Hodan does not speak (vi, en)", m.Key, lang)
	}
	return nil
}

// object reads a JSON object from dec, calling value after each member's
// name with dec at the member's value. A name given twice is an error.
func object(dec *json.Decoder, value func(name string) error) error {
	if tok, err := dec.Token(); err != nil {
		return err
	} else if tok != json.Delim('{') {
		if s, ok := tok.(string); ok {
			tok = strconv.Quote(s)
		}
		return fmt.Errorf("want an object ({...}), found %v", tok)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string) // a Decoder gives an object's names as strings
		if seen[name] {
			return fmt.Errorf("%q is given twice in the same object: keep one", name)
		}
		seen[name] = true
		if err := value(name); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing brace; More checked it is one
	return err
}

// offset is where in the file reading stopped with err: a syntax error's
// own offset, else the decoder's.
func offset(dec *json.Decoder, err error) int64 {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return syntax.Offset
	}
	return dec.InputOffset()
}

// position says byte offset off of body as "line:column", both from 1,
// the column in characters as an editor counts them.
func position(body []byte, off int64) string {
	before := body[:min(off, int64(len(body)))]
	start := bytes.LastIndexByte(before, '\n') + 1
	line := bytes.Count(before, []byte("\n")) + 1
	return fmt.Sprintf("%d:%d", line, utf8.RuneCount(before[start:])+1)
}
