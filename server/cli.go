package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"hodan/internal/clitext"
)

// Run runs hodan-server with args and returns the exit status. It is what
// main calls, and what tests call.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, os.Stdin, os.Getenv, stdout, stderr)
}

// run is Run reading standard input from stdin and the environment
// through getenv, for tests.
func run(ctx context.Context, args []string, stdin io.Reader, getenv func(string) string, stdout, stderr io.Writer) int {
	t, err := chooseLang(args, getenv)
	if err != nil {
		fmt.Fprintln(stderr, t.T("server.error.prefix", err))
		return 1
	}
	root := rootCmd(t)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(stdin)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, t.T("server.error.prefix", t.say(err)))
		return 1
	}
	return 0
}

// rootCmd is hodan-server's tree of commands, its texts in t's language.
func rootCmd(t tr) *cobra.Command {
	root := &cobra.Command{
		Use:           "hodan-server",
		Short:         t.T("server.short"),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().String("lang", "", t.T("flag.lang"))
	root.AddCommand(serveCmd(t), enrollCmd(t), digestCmd(t), deviceCmd(t), tlsCmd(t), conflictsCmd(t), householdsCmd(t), reconcileCmd(t),
		auditCmd(t), userCmd(t), clockCmd(t), reportsCmd(t), targetCmd(t))
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
