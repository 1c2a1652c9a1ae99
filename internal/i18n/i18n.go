// Package i18n is Hodan's one message catalogue, read by every front end
// (the officer's CLI and web app, the district server's commands and
// console): every text a person reads is a message key with its text in
// Vietnamese and in English. Vietnamese is the default; English is
// chosen on request. Translators edit messages/*.json; go generate
// compiles them into catalogue_gen.go (see Default), which is what
// programs use.
package i18n

import (
	"fmt"
	"strings"
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

// Localizer is an argument of a message that says itself in a language
// (a record's noun, a choice's label): T replaces it by its text in l.
type Localizer interface {
	In(l Lang) string
}

// T formats message key in l with args; args that are Localizers are
// said in l. A %w in the message formats like %v.
func T(l Lang, key string, args ...any) string {
	format := Default().Text(l, key)
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
