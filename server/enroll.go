package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/registry"
)

func enrollCmd() *cobra.Command {
	var db, officer string
	var communes []string
	var ttl time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "enroll --commune CODE [--commune CODE…] --officer NAME",
		Short: "Make a one-time code with which an officer's laptop enrolls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(officer) == "" {
				return fmt.Errorf("name the officer with --officer")
			}
			if len(communes) == 0 {
				return fmt.Errorf("name at least one commune with --commune CODE")
			}
			commune := &schema.Column{Name: "commune", Type: schema.Text, Code: schema.CodeCommune}
			for _, c := range communes {
				if err := commune.Check(c); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			d, err := replica.Open(ctx, db, replica.Options{Migrations: serverMigrations()})
			if err != nil {
				return err
			}
			defer d.Close()
			code, err := registry.New(d, nil).CreateEnrollment(ctx, officer, communes, ttl)
			if err != nil {
				return err
			}
			expires := time.Now().Add(ttl)
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"code": code, "officer": officer, "communes": communes, "expires_at": expires.UTC()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", code)
			fmt.Fprintf(cmd.ErrOrStderr(), "One-time code for %s (communes %s), valid until %s.\nOn the laptop: hodan init --server URL --enroll %s\n",
				officer, strings.Join(communes, ", "), expires.Format("2006-01-02 15:04"), code)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&officer, "officer", "", "the officer's full name")
	cmd.Flags().StringArrayVar(&communes, "commune", nil, "a commune code the device may record and see (repeat for more)")
	cmd.Flags().DurationVar(&ttl, "ttl", registry.DefaultCodeTTL, "how long the code stays valid")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
