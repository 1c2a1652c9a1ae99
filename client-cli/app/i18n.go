package app

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// lang is a language the officer reads Hodan in.
type lang string

// The languages of the catalogue. Vietnamese is the default: the officers
// are Vietnamese commune officers; English is for the district's IT staff
// and for visitors.
const (
	langVI lang = "vi"
	langEN lang = "en"
)

var langs = []lang{langVI, langEN}

// messageFiles is the message catalogue: every file in messages/ maps a
// message key to its text in each language. The files split the one
// catalogue by area of the app; a key is defined once, in one file.
//
//go:embed messages/*.json
var messageFiles embed.FS

// catalogue is the message catalogue: key, then language, then text, a
// format for fmt.
type catalogue map[string]map[lang]string

var (
	catalogueOnce sync.Once
	theCatalogue  catalogue
	catalogueErr  error
)

// messages returns the catalogue, loaded from messageFiles once.
func messages() (catalogue, error) {
	catalogueOnce.Do(func() { theCatalogue, catalogueErr = loadCatalogue(messageFiles) })
	return theCatalogue, catalogueErr
}

// loadCatalogue reads every messages/*.json file of fsys into one
// catalogue. A key defined in two files is an error.
func loadCatalogue(fsys fs.FS) (catalogue, error) {
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	sort.Strings(names)
	cat := catalogue{}
	from := map[string]string{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var file map[string]map[lang]string
		if err := json.Unmarshal(body, &file); err != nil {
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

// missing lists, for each key of the catalogue, the languages it has no
// text in, as "key (lang)" strings in sorted order.
func (cat catalogue) missing() []string {
	var out []string
	for key, texts := range cat {
		for _, l := range langs {
			if strings.TrimSpace(texts[l]) == "" {
				out = append(out, fmt.Sprintf("%s (%s)", key, l))
			}
		}
	}
	sort.Strings(out)
	return out
}

// text returns the format of key in l. A key the catalogue lacks comes
// back as itself, in brackets, so that the gap shows; the catalogue test
// fails on it before it ships.
func (cat catalogue) text(l lang, key string) string {
	if t := cat[key][l]; t != "" {
		return t
	}
	if t := cat[key][langVI]; t != "" {
		return t
	}
	return "[" + key + "]"
}

// tr formats message key in l with args; an arg that is an error or a
// noun is said in l (see localArgs).
func tr(l lang, key string, args ...any) string {
	cat, err := messages()
	if err != nil {
		return "[" + key + "]"
	}
	format := cat.text(l, key)
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, localArgs(l, args)...)
}

// T formats message key in the officer's language.
func (a *app) T(key string, args ...any) string { return tr(a.lang, key, args...) }

// Errorf makes an error from message key, said in the officer's language
// (see msgError). Like fmt.Errorf, a %w verb in the message wraps its
// argument.
func (a *app) Errorf(key string, args ...any) error { return errMsg(key, args...) }

// chooseLang picks the language: --lang on the command line, then
// $HODAN_LANG, then the locale ($LC_ALL, $LC_MESSAGES, $LANG): English for
// an English locale, Vietnamese otherwise. It returns an error for a --lang
// it does not know.
func chooseLang(args []string, getenv func(string) string) (lang, error) {
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
		return parseLang(v)
	}
	if v := getenv("HODAN_LANG"); v != "" {
		return parseLang(v)
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return langEN, nil
			}
			return langVI, nil
		}
	}
	return langVI, nil
}

func parseLang(v string) (lang, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "vi", "vi_vn", "vi-vn", "vie":
		return langVI, nil
	case "en", "en_us", "en-us", "en_gb", "eng":
		return langEN, nil
	}
	return langVI, fmt.Errorf("unknown language %q: use --lang vi (Tiếng Việt) or --lang en (English)", v)
}
