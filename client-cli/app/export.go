package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/syncengine"
)

// exportOptions are the flags of hodan export.
type exportOptions struct {
	out, commune, from, to string
	names                  bool // headers are column names, not labels
	force                  bool // replace a file already at out
}

// exportCmd is hodan export: a table, or the visits report, into a file a
// commune can open in Excel and send up.
func (a *app) exportCmd() *cobra.Command {
	var opts exportOptions
	cmd := &cobra.Command{
		Use:   "export TABLE|visits-report --out FILE.xlsx|FILE.csv",
		Short: a.T("export.short"),
		Long:  a.T("export.long", strings.Join(ops.ExportTableNames(), ", ")),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usageError{a.Errorf("export.err.no_out")}
			}
			if _, err := ops.ExportFormat(opts.out); err != nil {
				return usageError{err}
			}
			if _, err := os.Lstat(opts.out); err == nil && !opts.force {
				return usageError{ops.ExistsError(opts.out)}
			}
			return a.export(cmd, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", a.T("export.flag.out"))
	f.StringVar(&opts.commune, "commune", "", a.T("export.flag.commune"))
	f.StringVar(&opts.from, "from", "", a.T("export.flag.from"))
	f.StringVar(&opts.to, "to", "", a.T("export.flag.to"))
	f.BoolVar(&opts.names, "column-names", false, a.T("export.flag.column_names"))
	f.BoolVar(&opts.force, "force", false, a.T("export.flag.force"))
	return cmd
}

func (a *app) export(cmd *cobra.Command, what string, opts exportOptions) error {
	return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		if opts.commune != "" && !dev.Actor().InScope(opts.commune) {
			return a.Errorf("import.err.commune_flag", opts.commune, strings.Join(dev.Communes, ", "))
		}
		g, err := a.exportGrid(ctx, db, what, opts)
		if err != nil {
			return err
		}
		err = ops.WriteGridFile(opts.out, g, opts.force)
		if errors.Is(err, fs.ErrExist) {
			return usageError{err}
		}
		if err != nil {
			return err
		}
		if a.json {
			return printJSON(cmd.OutOrStdout(), map[string]any{"file": opts.out, "rows": len(g.Rows)})
		}
		fmt.Fprintln(cmd.OutOrStdout(), a.T("export.done", len(g.Rows), opts.out))
		return nil
	})
}

// exportGrid reads what export writes: the visits report, or a table.
func (a *app) exportGrid(ctx context.Context, db *syncengine.DB, what string, opts exportOptions) (*ops.Grid, error) {
	if what == "visits-report" || what == "visit-report" {
		from, to, err := ops.ReportPeriod(opts.from, opts.to)
		if err != nil {
			return nil, usageError{err}
		}
		return ops.VisitsReport(ctx, db, a.lang, ops.ExportOptions{Commune: opts.commune, From: from, To: to})
	}
	t, ok := ops.ExportTable(what)
	if !ok {
		return nil, usageError{a.Errorf("export.err.table", what, strings.Join(ops.ExportTableNames(), ", "))}
	}
	return ops.TableGrid(ctx, db, t, ops.ExportOptions{Commune: opts.commune, Names: opts.names})
}
