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
	"hodan/schema"
	"hodan/syncengine"
)

//go:generate go run ./testdata/gen testdata

// importOptions are the flags of hodan import households.
type importOptions struct {
	dryRun, skipBad, createVillages bool
	sheet, commune                  string
}

// importReport is what an import found and did.
type importReport struct {
	File           string       `json:"file"`
	HeaderLine     int          `json:"header_line"`
	Rows           int          `json:"rows"`
	Imported       int          `json:"imported"`
	Clean          int          `json:"clean"`
	DryRun         bool         `json:"dry_run"`
	Refused        bool         `json:"refused"` // bad rows and no --skip-bad: nothing written
	BadRows        int          `json:"bad_rows"`
	Bad            []rowProblem `json:"bad"`
	Present        []presentRow `json:"already_present"`
	UnknownColumns []string     `json:"unknown_columns"`
	NewVillages    []string     `json:"new_villages"`
	// Error is why nothing was imported, in the shape of every --json
	// error: {"code", "message"}.
	Error *syncengine.Error `json:"error,omitempty"`
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
// bad rows) writes a household list.
func (a *app) importHouseholds(cmd *cobra.Command, path string, opts importOptions) error {
	t := schema.Households
	s, err := a.readSheet(path, opts.sheet)
	if err != nil {
		return err
	}
	hi, h, ok := findHeader(t, householdHeaders, s)
	if !ok {
		return a.Errorf("import.err.no_header", path)
	}
	if !h.has("head_name") {
		c, _ := t.Column("head_name")
		return a.Errorf("import.err.no_column", c.Label)
	}
	return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		if opts.commune != "" && !dev.Actor().InScope(opts.commune) {
			return a.Errorf("import.err.commune_flag", opts.commune, strings.Join(dev.Communes, ", "))
		}
		if opts.commune == "" && len(dev.Communes) != 1 && !h.has("commune_code") {
			return a.Errorf("import.err.which_commune", strings.Join(dev.Communes, ", "))
		}
		im := &householdImporter{a: a, t: t, dev: dev, commune: opts.commune, createVillages: opts.createVillages, today: a.today()}
		rep := &importReport{File: path, HeaderLine: s.rows[hi].line, DryRun: opts.dryRun, UnknownColumns: h.unknown, Bad: []rowProblem{}, Present: []presentRow{}}
		err := db.Write(ctx, func(tx *syncengine.Tx) error {
			return im.checkAndWrite(tx, s.rows[hi+1:], h, rep, opts)
		})
		switch {
		case errors.Is(err, errWriteNothing):
		case err != nil:
			return err
		default:
			rep.Imported = rep.Clean
		}
		var refused error
		if rep.Refused {
			refused = a.Errorf("import.err.bad", rep.BadRows)
			shown := errorJSON(a.lang, refused)
			rep.Error = &shown.Error
		}
		if err := a.printImport(cmd.OutOrStdout(), rep); err != nil {
			return err
		}
		return refused
	})
}

// errWriteNothing rolls back an import that writes nothing: a dry run,
// a file with bad rows, a file of households all here already.
var errWriteNothing = errors.New("nothing to write")

// checkAndWrite checks rows against what the laptop holds and writes the
// clean ones, in one transaction: two imports of the same list at once
// take turns, and the second finds the first's households already here.
// It returns errWriteNothing when there is nothing to write.
func (im *householdImporter) checkAndWrite(tx *syncengine.Tx, rows []sheetRow, h headerMatch, rep *importReport, opts importOptions) error {
	if err := im.load(tx); err != nil {
		return err
	}
	p := im.a.progress(int64(len(rows)), "progress.check")
	clean := im.checkAll(rows, h, rep, p)
	p.Finish()
	im.keepVillagesOf(clean)
	rep.NewVillages, rep.Clean = im.newVillageNames(), len(clean)
	rep.Refused = rep.BadRows > 0 && !opts.skipBad
	if rep.Refused || opts.dryRun || len(clean) == 0 {
		return errWriteNothing
	}
	p = im.a.progress(int64(len(clean)), "progress.import")
	defer p.Finish()
	if err := im.write(tx, clean, p); err != nil {
		return im.a.Errorf("import.err.write", err)
	}
	return nil
}

// has reports whether the header has a column for name.
func (h headerMatch) has(name string) bool {
	for _, n := range h.columns {
		if n == name {
			return true
		}
	}
	return false
}

// checkAll checks every row below the header, counting bad and present
// rows into rep, and returns the rows to write.
func (im *householdImporter) checkAll(rows []sheetRow, h headerMatch, rep *importReport, p *progress) []*importRow {
	var out []*importRow
	for _, r := range rows {
		p.Add(1)
		if r.blank() {
			continue
		}
		rep.Rows++
		res := im.check(r, h)
		switch {
		case len(res.problems) > 0:
			rep.BadRows++
			rep.Bad = append(rep.Bad, res.problems...)
		case res.present != nil:
			rep.Present = append(rep.Present, *res.present)
		default:
			out = append(out, res.row)
		}
	}
	return out
}

// keepVillagesOf keeps, of the villages to create, those the rows to
// write live in: a bad row skipped with --skip-bad creates nothing.
func (im *householdImporter) keepVillagesOf(rows []*importRow) {
	used := map[string]bool{}
	for _, r := range rows {
		if r.newVillage != "" {
			used[r.values["commune_code"].(string)+"|"+r.newVillage] = true
		}
	}
	for commune, keys := range im.newVillages {
		for key := range keys {
			if !used[commune+"|"+key] {
				delete(keys, key)
			}
		}
		if len(keys) == 0 {
			delete(im.newVillages, commune)
		}
	}
}

// printImport writes the report: JSON with --json, else lines for people.
func (a *app) printImport(w io.Writer, rep *importReport) error {
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

// textReasons are the rules of text (see schema.CleanText) a cell can
// break whatever its column: said as the schema says them.
var textReasons = map[string]bool{
	schema.ReasonUTF8: true, schema.ReasonControl: true, schema.ReasonBidi: true,
	schema.ReasonLineBreak: true, schema.ReasonUntrimmed: true, schema.ReasonNotNFC: true,
}

// reason says in the officer's language why a value does not fit column
// c, from the column's rule (the schema's own messages are English, for
// programs and logs).
func (im *householdImporter) reason(c *schema.Column, err error) string {
	a := im.a
	var se *schema.Error
	if errors.As(err, &se) && se.Code == schema.CodeRequired {
		return a.T("import.reason.required")
	}
	if errors.As(err, &se) && textReasons[se.Reason] {
		text, _ := ops.SchemaReason(a.lang, se)
		return text
	}
	if c == nil {
		if err != nil {
			return err.Error()
		}
		return a.T("import.reason.invalid")
	}
	switch {
	case c.Code == schema.CodeEthnicGroup:
		return a.T("import.reason.ethnic")
	case c.Code == schema.CodeCommune:
		return a.T("import.reason.commune", strings.Join(im.dev.Communes, ", "))
	case len(c.Enum) > 0:
		labels := make([]string, len(c.Enum))
		for i, ch := range c.Enum {
			labels[i] = ch.Label
		}
		return a.T("import.reason.enum", strings.Join(labels, "; "))
	case c.Type == schema.Date:
		return a.T("import.reason.date")
	case c.Type == schema.Bool:
		return a.T("import.reason.bool")
	case (c.Type == schema.Integer || c.Type == schema.Real) && c.Max > c.Min:
		return a.T("import.reason.range", strconv.FormatFloat(c.Min, 'f', -1, 64), strconv.FormatFloat(c.Max, 'f', -1, 64))
	case c.Type == schema.Integer || c.Type == schema.Real:
		return a.T("import.reason.number")
	case c.Name == "phone":
		return a.T("import.reason.phone")
	case c.Pattern != nil:
		return a.T("import.reason.pattern")
	}
	maxLen := c.MaxLen
	if maxLen == 0 {
		maxLen = 1000
	}
	return a.T("import.reason.too_long", maxLen)
}
