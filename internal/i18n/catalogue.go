package i18n

//go:generate go run ./gen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Message is one key of the catalogue with its format for fmt in each
// language; a format missing from the catalogue's files is "".
type Message struct {
	Key, VI, EN string
}

// Text is m's format in l, "" if it has none.
func (m Message) Text(l Lang) string {
	switch l {
	case VI:
		return m.VI
	case EN:
		return m.EN
	}
	return ""
}

// Catalogue is a list of messages sorted by key, one a key.
type Catalogue []Message

// Default returns the catalogue of messages/*.json, compiled in as static
// data (catalogue_gen.go, written by go generate ./internal/i18n): it
// costs a program nothing to start. It is shared and must not be
// modified.
func Default() Catalogue { return generated }

// Lookup returns the message of key.
func (cat Catalogue) Lookup(key string) (Message, bool) {
	i, ok := slices.BinarySearchFunc(cat, key, func(m Message, key string) int { return strings.Compare(m.Key, key) })
	if !ok {
		return Message{}, false
	}
	return cat[i], true
}

// Has reports whether the catalogue defines key.
func (cat Catalogue) Has(key string) bool { _, ok := cat.Lookup(key); return ok }

// Text returns the format of key in l, or in Vietnamese if l has none. A
// key the catalogue lacks comes back as itself, in brackets, so that the
// gap shows; the catalogue's tests fail on it before it ships.
func (cat Catalogue) Text(l Lang, key string) string {
	m, _ := cat.Lookup(key)
	if t := m.Text(l); t != "" {
		return t
	}
	if m.VI != "" {
		return m.VI
	}
	return "[" + key + "]"
}

// HasPrefix reports whether some key begins with prefix (keys made at run
// time: "noun." + n).
func (cat Catalogue) HasPrefix(prefix string) bool {
	i, _ := slices.BinarySearchFunc(cat, prefix, func(m Message, p string) int { return strings.Compare(m.Key, p) })
	return i < len(cat) && strings.HasPrefix(cat[i].Key, prefix)
}

// Missing lists, for each key, the languages it has no text in, as
// "key (lang)" strings in sorted order.
func (cat Catalogue) Missing() []string {
	var out []string
	for _, m := range cat {
		for _, l := range Langs {
			if strings.TrimSpace(m.Text(l)) == "" {
				out = append(out, fmt.Sprintf("%s (%s)", m.Key, l))
			}
		}
	}
	slices.Sort(out)
	return out
}

// Unknown lists, as "file: key", the message keys the Go source files of
// dir (not its tests) ask for that the catalogue does not define, for a
// package's test: pattern's first group captures a key, and a second group
// that is not empty marks the fixed start of keys made at run time
// ("noun." + n), which some key must begin with.
func (cat Catalogue) Unknown(dir string, pattern *regexp.Regexp) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range pattern.FindAllStringSubmatch(string(src), -1) {
			if !cat.Has(m[1]) && (len(m) < 3 || m[2] == "" || !cat.HasPrefix(m[1])) {
				out = append(out, filepath.Base(f)+": "+m[1])
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
