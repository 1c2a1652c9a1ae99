// Package i18n is Hodan's one message catalogue, read by every front end
// (the officer's CLI and web app, the district server's commands and
// console): every text a person reads is a message key with its text in
// Vietnamese and in English. Vietnamese is the default; English is
// chosen on request.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Lang is a language people read Hodan in.
type Lang string

// The languages of the catalogue. Vietnamese is the default: officers and
// operators are Vietnamese; English is for IT staff and visitors.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Langs lists the catalogue's languages, the default first.
var Langs = []Lang{VI, EN}

// files is the catalogue: every file in messages/ maps a message key to
// its text in each language. The files split the one catalogue by area;
// a key is defined once, in one file.
//
//go:embed messages/*.json
var files embed.FS

// Catalogue maps a message key, then a language, to a format for fmt.
type Catalogue map[string]map[Lang]string

// Default returns the embedded catalogue, read once. Its error is a
// malformed file, which the package's tests catch before a release.
var Default = sync.OnceValues(func() (Catalogue, error) { return Load(files) })

// Load reads every messages/*.json file of fsys into one catalogue. A key
// defined in two files is an error.
func Load(fsys fs.FS) (Catalogue, error) {
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	sort.Strings(names)
	cat := Catalogue{}
	from := map[string]string{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		file, err := parseFile(body)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		for key, texts := range file {
			if prev, ok := from[key]; ok {
				return nil, fmt.Errorf("message %q is defined in both %s and %s", key, prev, path.Base(name))
			}
			from[key] = path.Base(name)
			cat[key] = texts
		}
	}
	return cat, nil
}

// Missing lists, for each key, the languages it has no text in, as
// "key (lang)" strings in sorted order.
func (cat Catalogue) Missing() []string {
	var out []string
	for key, texts := range cat {
		for _, l := range Langs {
			if strings.TrimSpace(texts[l]) == "" {
				out = append(out, fmt.Sprintf("%s (%s)", key, l))
			}
		}
	}
	sort.Strings(out)
	return out
}

// HasPrefix reports whether some key begins with prefix (keys made at run
// time: "noun." + n).
func (cat Catalogue) HasPrefix(prefix string) bool {
	for key := range cat {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// Text returns the format of key in l, or in Vietnamese if l has none. A
// key the catalogue lacks comes back as itself, in brackets, so that the
// gap shows; the catalogue's tests fail on it before it ships.
func (cat Catalogue) Text(l Lang, key string) string {
	if t := cat[key][l]; t != "" {
		return t
	}
	if t := cat[key][VI]; t != "" {
		return t
	}
	return "[" + key + "]"
}

// Has reports whether the catalogue defines key.
func (cat Catalogue) Has(key string) bool { _, ok := cat[key]; return ok }

// Localizer is an argument of a message that says itself in a language
// (a record's noun, a choice's label): T replaces it by its text in l.
type Localizer interface {
	In(l Lang) string
}

// T formats message key in l with args; args that are Localizers are
// said in l. A %w in the message formats like %v.
func T(l Lang, key string, args ...any) string {
	cat, err := Default()
	if err != nil {
		return "[" + key + "]"
	}
	format := cat.Text(l, key)
	if len(args) == 0 {
		return format
	}
	out := make([]any, len(args))
	for i, a := range args {
		if x, ok := a.(Localizer); ok {
			out[i] = x.In(l)
		} else {
			out[i] = a
		}
	}
	return fmt.Sprintf(strings.ReplaceAll(format, "%w", "%v"), out...)
}

// Count is n of something as message key says it: the message may give
// the singular before a "|" and the plural after ("1 change|%d changes");
// a message without "|" is one form for every n.
func Count(l Lang, n int, key string) string {
	one, many, ok := strings.Cut(T(l, key), "|")
	if !ok {
		many = one
	} else if n == 1 {
		return strings.ReplaceAll(one, "%d", "1")
	}
	return fmt.Sprintf(many, n)
}

// Parse reads a language's name: "vi" or "en", in the usual spellings.
func Parse(v string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "vi", "vi_vn", "vi-vn", "vie":
		return VI, nil
	case "en", "en_us", "en-us", "en_gb", "en-gb", "eng":
		return EN, nil
	}
	return VI, fmt.Errorf("unknown language %q: use --lang vi (Tiếng Việt) or --lang en (English)", v)
}

// Choose picks the language of a command: --lang among args, then
// $HODAN_LANG, then the locale ($LC_ALL, $LC_MESSAGES, $LANG): English for
// an English locale, Vietnamese otherwise. It returns an error for a
// --lang it does not know.
func Choose(args []string, getenv func(string) string) (Lang, error) {
	for i, arg := range args {
		if arg == "--" {
			break
		}
		var v string
		switch {
		case arg == "--lang" && i+1 < len(args):
			v = args[i+1]
		case strings.HasPrefix(arg, "--lang="):
			v = strings.TrimPrefix(arg, "--lang=")
		default:
			continue
		}
		return Parse(v)
	}
	if v := getenv("HODAN_LANG"); v != "" {
		return Parse(v)
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return EN, nil
			}
			return VI, nil
		}
	}
	return VI, nil
}

// FromAcceptLanguage picks the language of a browser from its
// Accept-Language header: English when English comes before Vietnamese,
// Vietnamese otherwise.
func FromAcceptLanguage(header string) Lang {
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "vi"):
			return VI
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return VI
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
			if _, ok := cat[m[1]]; !ok && (len(m) < 3 || m[2] == "" || !cat.HasPrefix(m[1])) {
				out = append(out, filepath.Base(f)+": "+m[1])
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
