package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/console"
	"hodan/server/registry"
)

func enrollCmd(t tr) *cobra.Command {
	var db, officer string
	var communes []string
	var ttl time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.enroll.use"),
		Short: t.T("server.enroll.short"),
		Long:  t.T("server.enroll.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			officer = schema.CleanText(officer)
			if officer == "" {
				return i18n.Errorf("server.enroll.error.no_officer")
			}
			if err := officerColumn().Check(officer); err != nil {
				return i18n.Errorf("server.enroll.error.officer", localized{err})
			}
			if len(communes) == 0 {
				return i18n.Errorf("server.enroll.error.no_commune")
			}
			if ttl <= 0 {
				return i18n.Errorf("server.enroll.error.ttl", ttl.String())
			}
			if err := t.checkCommunes(communes); err != nil {
				return err
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
			fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.enroll.made", officer, console.CommuneNames(t.lang, communes), schema.FormatDayTime(expires), code))
			return nil
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().StringVar(&officer, "officer", "", t.T("server.enroll.flag.officer"))
	cmd.Flags().StringArrayVar(&communes, "commune", nil, t.T("server.enroll.flag.commune"))
	cmd.Flags().DurationVar(&ttl, "ttl", registry.DefaultCodeTTL, t.T("server.enroll.flag.ttl"))
	jsonFlag(t, cmd, &asJSON)
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
