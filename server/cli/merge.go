package cli

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/server/accounts"
)

// householdsMergeCmd merges two households on the server, as `hodan
// household merge` does on a laptop, and settles the merges it holds
// (ops.MergeHouseholds): laptops receive it at their next sync.
func householdsMergeCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.households.merge.use"),
		Short: t.T("server.households.merge.short"),
		Long:  t.T("server.households.merge.long"),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := openExisting(cmd.Context(), db, false)
			if err != nil {
				return err
			}
			defer d.Close()
			log := func(tx *sql.Tx, m ops.Merged) error {
				return logMerge(cmd.Context(), accounts.NewStore(d, accounts.Options{}), tx, m)
			}
			m, err := ops.MergeHouseholdsLogged(cmd.Context(), d, ops.Actor{}, args[0], args[1], log)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), t.T("server.households.merged", m.Dropped, m.Kept, m.Moved, m.Changes))
			return err
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// logMerge writes merge m to the action log in its transaction, as the
// console's merges are: by the command line, naming both households by
// their heads and numbers.
func logMerge(ctx context.Context, store *accounts.Store, tx *sql.Tx, m ops.Merged) error {
	entry := accounts.HouseholdMerge{Dropped: m.Dropped.String(), Moved: m.Moved, Changes: m.Changes}
	for _, h := range []struct {
		id           string
		head, number *string
	}{{m.Kept.String(), &entry.KeptHead, &entry.KeptNumber}, {m.Dropped.String(), &entry.DroppedHead, &entry.DroppedNumber}} {
		var head, number sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT commune_code, head_name, household_number FROM households WHERE id = ?`, h.id).
			Scan(&entry.Commune, &head, &number); err != nil {
			return fmt.Errorf("read merged household: %w", err)
		}
		*h.head, *h.number = head.String, number.String
	}
	return store.RecordMergeTx(ctx, tx, accounts.CommandLine, m.Kept.String(), entry)
}
