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
	"hodan/internal/i18n"
	"hodan/server/registry"
)

func reportsCmd(t tr) *cobra.Command {
	return groupCmd("report", t.T("server.report.short"), reportIndicatorsCmd(t))
}

func reportIndicatorsCmd(t tr) *cobra.Command {
	var db, xlsx string
	var communes []string
	var req indicators.Request
	var asJSON, force bool
	cmd := &cobra.Command{
		Use:   t.T("server.report.indicators.use"),
		Short: t.T("server.report.indicators.short"),
		Long:  t.T("server.report.indicators.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON && xlsx != "" {
				return i18n.Errorf("server.report.error.json_and_xlsx")
			}
			if xlsx != "" && !force {
				if _, err := os.Stat(xlsx); !errors.Is(err, fs.ErrNotExist) {
					return i18n.Errorf("server.report.error.exists", xlsx)
				}
			}
			r, err := computeReport(cmd.Context(), t, db, communes, req)
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
				fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.report.written", r.Period.Name(t.lang), xlsx))
				return nil
			}
			return t.writeReport(cmd.OutOrStdout(), r)
		},
	}
	dbFlag(t, cmd, &db)
	communesFlag(t, cmd, &communes)
	cmd.Flags().StringVar(&req.Period, "period", "", t.T("server.report.flag.period"))
	cmd.Flags().StringVar(&req.From, "from", "", t.T("server.report.flag.from"))
	cmd.Flags().StringVar(&req.To, "to", "", t.T("server.report.flag.to"))
	cmd.Flags().StringVar(&req.AsOf, "as-of", "", t.T("server.report.flag.as_of"))
	jsonFlag(t, cmd, &asJSON)
	cmd.Flags().StringVar(&xlsx, "xlsx", "", t.T("server.report.flag.xlsx"))
	cmd.Flags().BoolVar(&force, "force", false, t.T("server.report.flag.force"))
	return cmd
}

// computeReport opens the server's database at path read-only and
// computes the report req asks for.
func computeReport(ctx context.Context, t tr, path string, communes []string, req indicators.Request) (*indicators.Report, error) {
	now := time.Now()
	period, asOf, err := req.Resolve(now)
	if err != nil {
		return nil, onFlag(err, map[string]string{"period": "--period", "from": "--from", "to": "--to", "as_of": "--as-of"})
	}
	if err := t.checkCommunes(communes); err != nil {
		return nil, err
	}
	d, err := openExisting(ctx, path, true)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	devices, err := registry.New(d, nil).Devices(ctx)
	if err != nil {
		return nil, err
	}
	return indicators.Compute(ctx, d, indicators.Params{
		Period: period, AsOf: asOf, Now: now, Communes: communes, Devices: indicators.DevicesOf(devices),
		Counters: indicators.Counters(d),
	})
}

// onFlag names the flag of the field a mistake concerns (an
// indicators.FieldError), by flags.
func onFlag(err error, flags map[string]string) error {
	var fe *indicators.FieldError
	if errors.As(err, &fe) && flags[fe.Field] != "" {
		return i18n.Errorf("server.error.flag", flags[fe.Field], fe)
	}
	return err
}
