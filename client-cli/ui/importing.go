package ui

import (
	"errors"
	"net/http"
	"path/filepath"
	"sync"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/ops"
)

// importReports keeps the reports of the last imports, for the page an
// import redirects to. It is safe for concurrent use.
type importReports struct {
	mu      sync.Mutex
	reports map[string]*importResult
	order   []string
}

// keptReports is how many import reports are kept.
const keptReports = 20

// importResult is what an import found and did, or why it could not read
// the file.
type importResult struct {
	File    string
	Report  *ops.ImportReport
	Problem string
}

func newImportReports() *importReports { return &importReports{reports: map[string]*importResult{}} }

// keep keeps res and returns its id.
func (k *importReports) keep(res *importResult) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	id := web.RandomToken()[:12]
	k.reports[id] = res
	if k.order = append(k.order, id); len(k.order) > keptReports {
		delete(k.reports, k.order[0])
		k.order = k.order[1:]
	}
	return id
}

func (k *importReports) get(id string) (*importResult, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	res, ok := k.reports[id]
	return res, ok
}

// importPage is the form to import a commune's list.
type importPage struct {
	Communes []choice
	// MaxBytes is the biggest file the page takes; TooBig says so, for
	// the page's script to refuse a bigger file before it is sent.
	MaxBytes int64
	TooBig   string
}

func (a *App) importPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	p := importPage{MaxBytes: maxUpload - maxForm, TooBig: i18n.T(v.lang, "ui.error.too_large", maxUpload>>20)}
	if len(v.who().Communes) > 1 {
		p.Communes = communeChoices(v.who().Communes)
	}
	return a.render(w, r, "import", "/import", p)
}

// importList reads an uploaded list of households, checks every row and
// writes the clean ones in one transaction, or none when a row is bad and
// the officer did not say to skip bad rows (ops.ImportHouseholds); the
// report is shown on a page of its own.
func (a *App) importList(w http.ResponseWriter, r *http.Request, v *visit) error {
	file, header, err := r.FormFile("file")
	if err != nil {
		return a.redirect(w, r, "/import", failed("ui.flash.import_no_file"))
	}
	defer file.Close()
	res := &importResult{File: filepath.Base(header.Filename)}
	day, err := a.day(r.Context())
	if err != nil {
		return err
	}
	opts := ops.ImportOptions{DryRun: r.PostFormValue("dry_run") == "1", SkipBad: r.PostFormValue("skip_bad") == "1",
		CreateVillages: r.PostFormValue("create_villages") == "1", Commune: r.PostFormValue("commune"), Day: day.Date, Lang: v.lang}
	sheet, err := ops.ReadSheetFrom(file, res.File, "")
	var list *ops.HouseholdList
	if err == nil {
		list, err = ops.HouseholdListOf(sheet, res.File)
	}
	if err == nil {
		res.Report, err = ops.ImportHouseholds(r.Context(), a.cfg.DB, v.who(), list, opts)
	}
	if err != nil && !errors.Is(err, ops.ErrImportRefused) {
		res.Problem = explain(v.lang, err)
	}
	http.Redirect(w, r, "/import/"+a.imports.keep(res), http.StatusSeeOther)
	return nil
}

func (a *App) importReport(w http.ResponseWriter, r *http.Request, v *visit) error {
	res, ok := a.imports.get(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	return a.render(w, r, "import_report", "/import", res)
}
