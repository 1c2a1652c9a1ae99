package ops

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

//go:generate go run ./testdata/gen testdata

// Import reads a commune's list of households (ReadSheet, ReadSheetFrom),
// finds its header (HouseholdListOf), then checks every row against the
// schema and what the replica holds, and writes the clean ones in one
// transaction (ImportHouseholds): a list with a bad row writes nothing
// unless told to skip bad rows, and every bad row is reported by its line,
// its column and why.

// ImportOptions are how ImportHouseholds imports.
type ImportOptions struct {
	// DryRun checks and reports, and writes nothing.
	DryRun bool
	// SkipBad writes the clean rows of a list with bad rows.
	SkipBad bool
	// CreateVillages creates the villages a list names that the commune
	// does not have yet. A commune the laptop holds no village of takes
	// its villages from its first list without it.
	CreateVillages bool
	// Commune is the commune of a list without a commune column, for an
	// actor of several communes.
	Commune string
	// Day is the day to record for (YYYY-MM-DD, "" when the clock cannot
	// say it): the poverty standard in force then is a status's.
	Day string
	// Lang is the language the report's reasons are said in.
	Lang i18n.Lang
	// Progress, if set, reports the rows checked (phase
	// "progress.check"), then written ("progress.import").
	Progress Progress
}

// ImportReport is what an import found and did.
type ImportReport struct {
	File           string       `json:"file"`
	HeaderLine     int          `json:"header_line"`
	Rows           int          `json:"rows"`
	Imported       int          `json:"imported"`
	Clean          int          `json:"clean"`
	DryRun         bool         `json:"dry_run"`
	Refused        bool         `json:"refused"` // bad rows and no SkipBad: nothing written
	BadRows        int          `json:"bad_rows"`
	Bad            []RowProblem `json:"bad"`
	Present        []PresentRow `json:"already_present"`
	UnknownColumns []string     `json:"unknown_columns"`
	NewVillages    []string     `json:"new_villages"`
	// Error is why nothing was imported, in the shape of every front
	// end's JSON error: {"code", "message"}; a front end fills it in.
	Error *syncengine.Error `json:"error,omitempty"`
}

// HouseholdList is a sheet of households whose header import has found.
type HouseholdList struct {
	file   string
	sheet  *Sheet
	header int
	match  headerMatch
}

// HouseholdListOf finds the header of a list of households in s, read
// from file: the first of its first ten rows in which two cells name
// columns. A list must have the column of the head's name.
func HouseholdListOf(s *Sheet, file string) (*HouseholdList, error) {
	hi, h, ok := findHeader(schema.Households, householdHeaders, s)
	if !ok {
		return nil, fail("import.err.no_header", file)
	}
	if !h.has(schema.ColHeadName) {
		c, _ := schema.Households.Column(schema.ColHeadName)
		return nil, fail("import.err.no_column", c.Label)
	}
	return &HouseholdList{file: file, sheet: s, header: hi, match: h}, nil
}

// ErrImportRefused is the error of an import that found bad rows and was
// not told to skip them: nothing was written. It wraps the *i18n.Error
// that says how many.
var ErrImportRefused = errors.New("import refused")

// ImportHouseholds checks every row of list for who and, unless told not
// to or the list has bad rows, writes the clean ones and the villages to
// create in one transaction: two imports of one list at once take turns,
// and the second finds the first's households here already. It returns
// the report, with an error wrapping ErrImportRefused when bad rows kept
// everything out.
func ImportHouseholds(ctx context.Context, db *syncengine.DB, who Actor, list *HouseholdList, opts ImportOptions) (*ImportReport, error) {
	h := list.match
	if opts.Commune != "" && !who.InScope(opts.Commune) {
		return nil, fail("import.err.commune_flag", opts.Commune, who.communeList())
	}
	if opts.Commune == "" && len(who.Communes) != 1 && !h.has(schema.ColCommuneCode) {
		return nil, fail("import.err.which_commune", who.communeList())
	}
	im := &householdImporter{lang: opts.Lang, t: schema.Households, who: who, commune: opts.Commune, createVillages: opts.CreateVillages, today: opts.Day}
	rep := &ImportReport{File: list.file, HeaderLine: list.sheet.rows[list.header].line, DryRun: opts.DryRun,
		UnknownColumns: h.unknown, Bad: []RowProblem{}, Present: []PresentRow{}}
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		return im.checkAndWrite(tx, list.sheet.rows[list.header+1:], h, rep, opts)
	})
	switch {
	case errors.Is(err, errWriteNothing):
	case err != nil:
		return nil, err
	default:
		rep.Imported = rep.Clean
	}
	if rep.Refused {
		return rep, refusedError{fail("import.err.bad", rep.BadRows)}
	}
	return rep, nil
}

// refusedError is ErrImportRefused said as its message.
type refusedError struct{ error }

func (e refusedError) Unwrap() []error { return []error{e.error, ErrImportRefused} }

// errWriteNothing rolls back an import that writes nothing: a dry run,
// a file with bad rows, a file of households all here already.
var errWriteNothing = errors.New("nothing to write")

// checkAndWrite checks rows against what the replica holds and writes the
// clean ones, within tx. It returns errWriteNothing when there is nothing
// to write.
func (im *householdImporter) checkAndWrite(tx *syncengine.Tx, rows []sheetRow, h headerMatch, rep *ImportReport, opts ImportOptions) error {
	if err := im.load(tx); err != nil {
		return err
	}
	clean := im.checkAll(rows, h, rep, opts.Progress.start("progress.check", len(rows)))
	im.keepVillagesOf(clean)
	rep.NewVillages, rep.Clean = im.newVillageNames(), len(clean)
	rep.Refused = rep.BadRows > 0 && !opts.SkipBad
	if rep.Refused || opts.DryRun || len(clean) == 0 {
		return errWriteNothing
	}
	if err := im.write(tx, clean, opts.Progress.start("progress.import", len(clean))); err != nil {
		return fail("import.err.write", err)
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
func (im *householdImporter) checkAll(rows []sheetRow, h headerMatch, rep *ImportReport, p *phase) []*importRow {
	var out []*importRow
	for _, r := range rows {
		p.add(1)
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
// write live in: a bad row skipped creates nothing.
func (im *householdImporter) keepVillagesOf(rows []*importRow) {
	used := map[string]bool{}
	for _, r := range rows {
		if r.newVillage != "" {
			used[r.values[schema.ColCommuneCode].(string)+"|"+r.newVillage] = true
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

// textReasons are the rules of text (see schema.CleanText) a cell can
// break whatever its column: said as the schema says them.
var textReasons = map[string]bool{
	schema.ReasonUTF8: true, schema.ReasonControl: true, schema.ReasonBidi: true,
	schema.ReasonLineBreak: true, schema.ReasonUntrimmed: true, schema.ReasonNotNFC: true,
}

// reason says in the import's language why a value does not fit column
// c, from the column's rule (the schema's own messages are English, for
// programs and logs).
func (im *householdImporter) reason(c *schema.Column, err error) string {
	var se *schema.Error
	if errors.As(err, &se) && se.Code == schema.CodeRequired {
		return im.T("import.reason.required")
	}
	if errors.As(err, &se) && textReasons[se.Reason] {
		text, _ := SchemaReason(im.lang, se)
		return text
	}
	if c == nil {
		if err != nil {
			return err.Error()
		}
		return im.T("import.reason.invalid")
	}
	switch {
	case c.Code == schema.CodeEthnicGroup:
		return im.T("import.reason.ethnic")
	case c.Code == schema.CodeCommune:
		return im.T("import.reason.commune", im.who.communeList())
	case len(c.Enum) > 0:
		labels := make([]string, len(c.Enum))
		for i, ch := range c.Enum {
			labels[i] = ch.In(string(im.lang))
		}
		return im.T("import.reason.enum", strings.Join(labels, "; "))
	case c.Type == schema.Date:
		return im.T("import.reason.date")
	case c.Type == schema.Bool:
		return im.T("import.reason.bool")
	case (c.Type == schema.Integer || c.Type == schema.Real) && c.Max > c.Min:
		return im.T("import.reason.range", strconv.FormatFloat(c.Min, 'f', -1, 64), strconv.FormatFloat(c.Max, 'f', -1, 64))
	case c.Type == schema.Integer || c.Type == schema.Real:
		return im.T("import.reason.number")
	case c.Name == schema.ColPhone:
		return im.T("import.reason.phone")
	case c.Pattern != nil:
		return im.T("import.reason.pattern")
	}
	maxLen := c.MaxLen
	if maxLen == 0 {
		maxLen = 1000
	}
	return im.T("import.reason.too_long", maxLen)
}
