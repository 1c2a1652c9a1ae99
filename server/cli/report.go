package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"hodan/indicators"
	"hodan/server/registry"
	"hodan/syncengine"
)

func reportsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The programme's reports: its indicators per commune, against the year's targets",
	}
	cmd.AddCommand(reportIndicatorsCmd())
	return cmd
}

func reportIndicatorsCmd() *cobra.Command {
	var db, xlsx string
	var communes []string
	var req indicators.Request
	var asJSON, force bool
	cmd := &cobra.Command{
		Use:   "indicators [--commune CODE…] [--period 2025-Q4|2025-H1|2025|2025-03 | --from D --to D] [--as-of D] [--json | --xlsx FILE]",
		Short: "The programme's indicators per commune and in total, for a period, as of a day; safe while the server runs",
		Long: `Compute the programme's indicators — households, poverty and its fall since
31/12 of the year before, support by programme and kind, housing and water,
land, people of prestige, natural-disaster damage, health insurance,
visits, the data's freshness — per commune and in total, with the year's
targets (hodan-server target set), for a period: a year (2025), a half
(2025-H1), a quarter (2025-Q4), a month (2025-03) or --from and --to
(dates as 31/12/2025 or 2025-12-31). Without a period, the year of the
as-of day.

--as-of D counts only what the server had received by the end of D
(Vietnam time): made again later, the report gives the same numbers, and
an auditor gets them from the exported log alone with
  hodan-server audit replay EXPORT --until D --out F
  hodan-server report indicators --db F (same period, no --as-of).
Without --as-of, the current data. Prints a table, JSON with --json, or
writes the periodic report as a spreadsheet with --xlsx FILE (an existing
FILE only with --force).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON && xlsx != "" {
				return errors.New("give --json or --xlsx FILE, not both")
			}
			if xlsx != "" && !force {
				if _, err := os.Stat(xlsx); !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%s exists: name another file, or give --force to replace it", xlsx)
				}
			}
			r, err := computeReport(cmd.Context(), db, communes, req)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return printJSON(cmd.OutOrStdout(), r)
			case xlsx != "":
				if err := writeAtomically(xlsx, cmd.OutOrStdout(), func(w io.Writer) error { return indicators.WriteXLSX(w, r) }); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "Đã ghi báo cáo %s vào %s.\n", r.Period.Label, xlsx)
				return nil
			}
			return writeReport(cmd.OutOrStdout(), r)
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringArrayVar(&communes, "commune", nil, "only this commune (repeat for more)")
	cmd.Flags().StringVar(&req.Period, "period", "", "the period: 2025, 2025-H1, 2025-Q4 or 2025-03")
	cmd.Flags().StringVar(&req.From, "from", "", "the period's first day (31/12/2025 or 2025-12-31)")
	cmd.Flags().StringVar(&req.To, "to", "", "the period's last day")
	cmd.Flags().StringVar(&req.AsOf, "as-of", "", "count what the server had received by the end of this day")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&xlsx, "xlsx", "", "write the periodic report to this .xlsx file")
	cmd.Flags().BoolVar(&force, "force", false, "with --xlsx, replace the file if it exists")
	return cmd
}

// computeReport opens the server's database at path read-only and
// computes the report req asks for.
func computeReport(ctx context.Context, path string, communes []string, req indicators.Request) (*indicators.Report, error) {
	now := time.Now()
	period, asOf, err := req.Resolve(now)
	if err != nil {
		return nil, err
	}
	if err := checkCommunes(communes); err != nil {
		return nil, err
	}
	d, err := openExisting(ctx, path, true)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	devices, err := enrolled(ctx, d)
	if err != nil {
		return nil, err
	}
	return indicators.Compute(ctx, d, indicators.Params{
		Period: period, AsOf: asOf, Now: now, Communes: communes, Devices: devices,
		Counters: map[string]indicators.Counter{"open_conflicts": indicators.OpenConflicts(d), "unsettled": indicators.Unsettled(d)},
	})
}

// enrolled lists the devices of the server's registry for the report.
func enrolled(ctx context.Context, d *syncengine.DB) ([]indicators.Device, error) {
	devices, err := registry.New(d, nil).Devices(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]indicators.Device, len(devices))
	for i, dev := range devices {
		out[i] = indicators.Device{ID: dev.ID, Officer: dev.Officer, Communes: dev.Communes, Enrolled: dev.EnrolledAt, Revoked: dev.RevokedAt}
	}
	return out, nil
}
