package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
)

func digestCmd(t tr) *cobra.Command {
	var db, commune string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.digest.use"),
		Short: t.T("server.digest.short"),
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
	dbFlag(t, cmd, &db)
	cmd.Flags().StringVar(&commune, "commune", "", t.T("server.digest.flag.commune"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}
