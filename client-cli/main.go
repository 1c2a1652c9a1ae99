// Command hodan is Hodan's field app for commune officers: it records
// households, members, visits, support and storm damage in a local SQLite
// database that works for weeks offline, and syncs with the district server
// when there is a network.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"hodan/client-cli/app"
)

// gcPercent is the garbage collector's target for hodan, unless GOGC sets
// one: most commands live a few milliseconds, in which Go's default (100)
// collected two or three times (a fifth of `hodan --help`'s 11 ms).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
