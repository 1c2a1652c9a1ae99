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
	"syscall"

	"hodan/server/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
