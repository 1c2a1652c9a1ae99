// Package clitext dresses a cobra command tree in the reader's language,
// for both of Hodan's command-line programs (hodan and hodan-server): the
// usage template, the help command, every flag's list with its kind of
// value and its default, and cobra's and pflag's own error lines, all from
// the message catalogue (package i18n).
package clitext
