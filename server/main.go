// Command hodan-server is Hodan's district server: it reconciles what many
// officers' laptops record offline, over the sync protocol, on one embedded
// SQLite file. Its commands are package cli's.
//
//	hodan-server serve [--db hodan-server.db] [--addr 127.0.0.1:8080]
//	hodan-server enroll --commune CODE [--commune CODE…] --officer NAME
//	hodan-server digest --db PATH [--commune CODE]
//	hodan-server clock future --db PATH [--json]
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"hodan/server/cli"
)

// gcPercent is the garbage collector's target for hodan-server, unless
// GOGC sets one. At Go's default (100) the collector took a tenth of a
// commune's push; at 200 the push of make bench-peer's commune takes 0.87
// of the server's CPU and 0.93 of the wall time, its peak RSS 56 -> 67 MB.
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
