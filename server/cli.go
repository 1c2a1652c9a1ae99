package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Run runs hodan-server with args and returns the exit status. It is what
// main calls, and what tests call.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "hodan-server",
		Short:         "Hodan district server: sync, enrollment and digests on one SQLite file",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(serveCmd(), enrollCmd(), digestCmd(), deviceCmd(), tlsCmd(), conflictsCmd(), householdsCmd(), reconcileCmd(), auditCmd())
	root.AddCommand(reportsCmd())
	root.AddCommand(targetCmd())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "hodan-server: %v\n", err)
		return 1
	}
	return 0
}

// defaultDB is the database file when --db is not given.
const defaultDB = "hodan-server.db"

func dbFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "db", defaultDB, "the server's SQLite database file")
}

// printJSON writes v as indented JSON and a newline.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
