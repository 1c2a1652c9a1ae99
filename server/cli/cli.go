// Package cli is hodan-server's command tree: serve, enroll, digest,
// devices, TLS, conflicts, households, reconcile, audit, users, clock,
// reports and targets. The hodan-server command (server/main.go) runs it
// on its process; tests run it in theirs, with an Env of their own, and
// serve on 127.0.0.1:0 until their context ends.
package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"hodan/internal/clitext"
)

// Env is what hodan-server takes from its process: its standard streams
// and its environment ($HODAN_LANG, and $HODAN_CLOCK_OFFSET for tests).
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Run runs hodan-server with args and returns the exit status: 0, or 1
// after one line on Stderr. serve serves until ctx ends, having said on
// Stderr where ("hodan-server: serving … on http://ADDR").
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	t, err := chooseLang(args, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, t.T("server.error.prefix", err))
		return 1
	}
	root := rootCmd(t, env.Getenv)
	root.SetArgs(args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetIn(env.Stdin)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(env.Stderr, t.T("server.error.prefix", t.say(err)))
		return 1
	}
	return 0
}

// rootCmd is hodan-server's tree of commands, its texts in t's language,
// reading the environment through getenv.
func rootCmd(t tr, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:           "hodan-server",
		Short:         t.T("server.short"),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().String("lang", "", t.T("flag.lang"))
	root.AddCommand(serveCmd(t, getenv), enrollCmd(t), digestCmd(t), deviceCmd(t), tlsCmd(t), conflictsCmd(t), householdsCmd(t), reconcileCmd(t),
		auditCmd(t), userCmd(t), clockCmd(t, getenv), reportsCmd(t), targetCmd(t))
	clitext.Localize(root, t.lang, "report indicators")
	return root
}

// defaultDB is the database file when --db is not given.
const defaultDB = "hodan-server.db"

func dbFlag(t tr, cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "db", defaultDB, t.T("server.flag.db"))
}

func jsonFlag(t tr, cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, t.T("flag.json"))
}

// communesFlag is --commune, repeatable: the communes a command reads.
func communesFlag(t tr, cmd *cobra.Command, communes *[]string) {
	cmd.Flags().StringArrayVar(communes, "commune", nil, t.T("server.flag.communes"))
}

// groupCmd is the command of a noun, which only holds the commands that
// act on it.
func groupCmd(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short}
	cmd.AddCommand(subs...)
	return cmd
}

// printJSON writes v as indented JSON and a newline.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
