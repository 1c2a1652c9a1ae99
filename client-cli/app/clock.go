package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/syncengine"
)

func (a *app) clockCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: a.T("clock.short"),
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "repair",
		Short: a.T("clock.repair_short"),
		Long:  a.T("clock.repair_long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				return a.repairClock(ctx, cmd, db, dev)
			})
		},
	})
	return cmd
}

func (a *app) repairClock(ctx context.Context, cmd *cobra.Command, db *syncengine.DB, dev *ops.Device) error {
	res, err := ops.RepairClock(ctx, db, dev)
	if errors.Is(err, syncengine.ErrNothingToRepair) {
		// Nothing waiting is stamped ahead: the clock needs no repair,
		// which is success, not a failure.
		if a.json {
			return printJSON(cmd.OutOrStdout(), map[string]any{"restamped": 0})
		}
		fmt.Fprintln(cmd.OutOrStdout(), a.T("clock.nothing_to_repair"))
		return nil
	}
	if err != nil {
		return err
	}
	stamp := func(h syncengine.HLC) string { return h.Time().Format(time.RFC3339Nano) }
	if a.json {
		return printJSON(cmd.OutOrStdout(), map[string]any{"restamped": res.Restamped, "first_seq": res.FirstSeq,
			"last_seq": res.LastSeq, "latest_before": stamp(res.OldLatest), "latest_after": stamp(res.NewLatest)})
	}
	fmt.Fprintln(cmd.OutOrStdout(), a.T("clock.repaired", a.count(res.Restamped, "count.change"), res.FirstSeq, res.LastSeq,
		a.dateTime(res.OldLatest.Time()), a.dateTime(res.NewLatest.Time())))
	return nil
}
