package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/syncengine"
)

// importOptions are the flags of hodan import households.
type importOptions struct {
	dryRun, skipBad, createVillages bool
	sheet, commune                  string
}

// importCmd is hodan import: lists kept in spreadsheets, into this laptop.
func (a *app) importCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: a.T("import.short")}
	cmd.AddCommand(a.importHouseholdsCmd())
	return cmd
}

func (a *app) importHouseholdsCmd() *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:     "households FILE.xlsx|FILE.csv",
		Aliases: []string{"household"},
		Short:   a.T("import.households.short"),
		Long:    a.T("import.households.long"),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.importHouseholds(cmd, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.dryRun, "dry-run", false, a.T("import.flag.dry_run"))
	f.BoolVar(&opts.skipBad, "skip-bad", false, a.T("import.flag.skip_bad"))
	f.BoolVar(&opts.createVillages, "create-villages", false, a.T("import.flag.create_villages"))
	f.StringVar(&opts.sheet, "sheet", "", a.T("import.flag.sheet"))
	f.StringVar(&opts.commune, "commune", "", a.T("import.flag.commune"))
	return cmd
}

// importHouseholds reads, checks and (unless told not to, or the file has
// bad rows) writes a household list (ops.ImportHouseholds).
func (a *app) importHouseholds(cmd *cobra.Command, path string, opts importOptions) error {
	s, err := ops.ReadSheet(path, opts.sheet)
	if err != nil {
		return err
	}
	list, err := ops.HouseholdListOf(s, path)
	if err != nil {
		return err
	}
	return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		report, finish := a.phaseBars(func(phase string) string { return phase })
		rep, err := ops.ImportHouseholds(ctx, db, dev.Actor(), list, ops.ImportOptions{DryRun: opts.dryRun, SkipBad: opts.skipBad,
			CreateVillages: opts.createVillages, Commune: opts.commune, Day: a.today(), Lang: a.lang, Progress: report})
		finish()
		if rep == nil {
			return err
		}
		if errors.Is(err, ops.ErrImportRefused) {
			shown := errorJSON(a.lang, err)
			rep.Error = &shown.Error
		}
		if perr := a.printImport(cmd.OutOrStdout(), rep); perr != nil {
			return perr
		}
		return err
	})
}

// printImport writes the report: JSON with --json, else lines for people.
func (a *app) printImport(w io.Writer, rep *ops.ImportReport) error {
	if a.json {
		return printJSON(w, rep)
	}
	fmt.Fprintln(w, a.T("import.summary", rep.File, rep.Rows, rep.HeaderLine))
	if len(rep.UnknownColumns) > 0 {
		fmt.Fprintln(w, a.T("import.warn.unknown", quoteAll(rep.UnknownColumns)))
	}
	for _, p := range rep.Bad {
		value := ""
		if p.Value != "" {
			value = strconv.Quote(p.Value) + ": "
		}
		fmt.Fprintln(w, a.T("import.bad.line", p.Line, p.Column, value+p.Reason))
	}
	if rep.BadRows > 0 {
		fmt.Fprintln(w, a.T("import.bad.count", rep.BadRows))
	}
	if len(rep.Present) > 0 {
		fmt.Fprintln(w, a.T("import.present.count", len(rep.Present)))
		for _, p := range rep.Present {
			fmt.Fprintln(w, a.T("import.present.line", p.Line, p.HeadName, p.ID))
		}
	}
	switch {
	case rep.Refused:
		// the error says so, on stderr
	case rep.DryRun:
		if len(rep.NewVillages) > 0 {
			fmt.Fprintln(w, a.T("import.villages.would", strings.Join(rep.NewVillages, ", ")))
		}
		fmt.Fprintln(w, a.T("import.dry_run", rep.Clean))
	default:
		if len(rep.NewVillages) > 0 && rep.Imported > 0 {
			fmt.Fprintln(w, a.T("import.villages.created", strings.Join(rep.NewVillages, ", ")))
		}
		fmt.Fprintln(w, a.T("import.done", rep.Imported))
	}
	return nil
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = "«" + s + "»"
	}
	return strings.Join(q, ", ")
}
