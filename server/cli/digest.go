package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
)

func digestCmd() *cobra.Command {
	var db, commune string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "digest [--commune CODE]",
		Short: "Print the SHA-256 digest of the merged state (of one commune, or all); safe while the server runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := replica.Open(ctx, db, replica.Options{ReadOnly: true, Migrations: serverMigrations()})
			if err != nil {
				return err
			}
			defer d.Close()
			digest, err := d.Digest(ctx, commune)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]string{"digest": digest, "commune": commune})
			}
			fmt.Fprintln(cmd.OutOrStdout(), digest)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&commune, "commune", "", "digest only this commune's rows")
	jsonFlag(cmd, &asJSON)
	return cmd
}
