// Package bench holds Hodan's end-to-end benchmarks: the real district
// server (server/httpd on a real database) answering over loopback, and the
// real sync engine client on real device databases, with an optional
// simulated 2G link between them. It has no code of its own outside its
// tests; run it with `make bench` (see BENCHMARKS.md). Its folder peer/
// is a command of its own: a whole `hodan sync` beside PouchDB
// replication (`make bench-peer`).
package bench
