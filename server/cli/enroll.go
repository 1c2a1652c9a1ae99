package cli

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
			officer = schema.CleanText(officer)
			if officer == "" {
				return fmt.Errorf("name the officer with --officer")
			}
			if err := officerColumn().Check(officer); err != nil {
				return fmt.Errorf("--officer: %w", err)
			}
			if len(communes) == 0 {
				return fmt.Errorf("name at least one commune with --commune CODE")
			}
			if ttl <= 0 {
				return fmt.Errorf("--ttl %s: a code must stay valid for some time; give a duration such as 24h or 72h", ttl)
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
				officer, strings.Join(communes, ", "), shownTime(expires), code)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&officer, "officer", "", "the officer's full name")
	cmd.Flags().StringArrayVar(&communes, "commune", nil, "a commune code the device may record and see (repeat for more)")
	cmd.Flags().DurationVar(&ttl, "ttl", registry.DefaultCodeTTL, "how long the code stays valid")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// officerColumn is the column that holds the officer a device is enrolled
// for: the name given here is written into every visit the device records,
// so it obeys that column's rule.
func officerColumn() *schema.Column {
	visits := schema.Visits
	c, _ := visits.Column("officer")
	return c
}

// shownTime is t as people read a time: on this machine's clock,
// dd/mm/yyyy HH:MM.
func shownTime(t time.Time) string { return schema.FormatDateTime(t.Local()) }
