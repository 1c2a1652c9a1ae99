package app

import "hodan/internal/i18n"

// lang is a language the officer reads Hodan in (see package i18n).
type lang = i18n.Lang

// The languages of the catalogue.
const (
	langVI = i18n.VI
	langEN = i18n.EN
)

// catalogue is the shared message catalogue (package i18n).
type catalogue = i18n.Catalogue

// messages returns the catalogue.
func messages() catalogue { return i18n.Default() }

// tr formats message key in l with args; an arg that is an error or a
// noun is said in l (see localArgs).
func tr(l lang, key string, args ...any) string {
	return i18n.T(l, key, localArgs(l, args)...)
}

// T formats message key in the officer's language.
func (a *app) T(key string, args ...any) string { return tr(a.lang, key, args...) }

// Errorf makes an error from message key, said in the officer's language
// (see msgError). Like fmt.Errorf, a %w verb in the message wraps its
// argument.
func (a *app) Errorf(key string, args ...any) error { return errMsg(key, args...) }

// chooseLang picks the language (see i18n.Choose).
func chooseLang(args []string, getenv func(string) string) (lang, error) {
	return i18n.Choose(args, getenv)
}
