// Command hodan is Hodan's field app for commune officers: it records
// households, members, visits, support and storm damage in a local SQLite
// database that works for weeks offline, and syncs with the district server
// when there is a network.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"hodan/client-cli/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
