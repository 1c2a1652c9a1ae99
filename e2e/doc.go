// Package e2e holds Hodan's end-to-end tests: the real hodan-server and
// hodan binaries, built once per run, talking real HTTP on loopback, each on
// its own SQLite file in a temporary directory. It has no code of its own.
package e2e
