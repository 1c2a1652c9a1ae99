package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/ops"
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
		fmt.Fprintf(stderr, "hodan-server: %v\n", err)
		return 1
	}
	root := rootCmd(t)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(stdin)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "hodan-server: %s\n", errorText(t, err))
		return 1
	}
	return 0
}

// errorText is err as hodan-server says it: an error of the operations'
// catalogue (ops) in the command's language, any other as it is.
func errorText(t tr, err error) string {
	if m, ok := err.(*i18n.Error); ok {
		return ops.Explain(t.lang, m)
	}
	return err.Error()
}

// rootCmd is hodan-server's tree of commands, its texts in t's language.
func rootCmd(t tr) *cobra.Command {
	root := &cobra.Command{
		Use:           "hodan-server",
		Short:         "Hodan district server: sync, enrollment and digests on one SQLite file",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().String("lang", "", t.T("flag.lang"))
	root.AddCommand(serveCmd(), enrollCmd(), digestCmd(), deviceCmd(), tlsCmd(), conflictsCmd(), householdsCmd(), reconcileCmd(), auditCmd(), userCmd(t), clockCmd(), reportsCmd(), targetCmd())
	return root
}

// defaultDB is the database file when --db is not given.
const defaultDB = "hodan-server.db"

func dbFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "db", defaultDB, "the server's SQLite database file")
}

func jsonFlag(cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print JSON")
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
