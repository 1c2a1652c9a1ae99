package ui

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"hodan/internal/i18n"
	"hodan/internal/web"
	"hodan/syncengine"
)

//go:embed templates/*.html static
var files embed.FS

// Config is what an App needs.
type Config struct {
	DB *syncengine.DB
	// Lang is the language of the pages when the browser asks for none
	// of the catalogue's; with LangFixed (hodan --lang, $HODAN_LANG) it
	// is the language whatever the browser asks, until the officer picks
	// another on a page.
	Lang      i18n.Lang
	LangFixed bool
	// Secret is what the address `hodan ui` opens carries; it is
	// exchanged for a session (see the package documentation).
	Secret string
	// Hosts are the Host values the app answers to (web.LoopbackHosts of
	// its address).
	Hosts []string
	// CookieTag tells this app's cookies from those of another on the same
	// host: browsers share a host's cookies across its ports.
	CookieTag string
	// AutoSync is how often the app tries to sync in the background;
	// 0 never does.
	AutoSync time.Duration
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// App is the officer's web app. It is safe for concurrent use.
type App struct {
	cfg     Config
	pages   *web.Pages
	csrf    *web.CSRF
	handler http.Handler
	syncer  *syncer
	imports *importReports
	onces   *onces

	mu       sync.Mutex
	sessions map[string]bool
}

// New builds the app from cfg.
func New(cfg Config) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lang == "" {
		cfg.Lang = i18n.VI
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	pages, err := web.ParsePages(files, "templates", funcs(i18n.VI, cfg.Now()))
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	a := &App{cfg: cfg, pages: pages, csrf: web.NewCSRF(), sessions: map[string]bool{}, imports: newImportReports(), onces: newOnces()}
	a.syncer = newSyncer(cfg.DB, cfg.Now, cfg.Log)
	mux := http.NewServeMux()
	a.routes(mux)
	guard := &web.Guard{Hosts: cfg.Hosts, Refused: a.refused}
	a.handler = guard.Wrap(a.withVisit(mux))
	return a, nil
}

// ServeHTTP answers one request.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Run syncs in the background every AutoSync until ctx ends, and lets a
// sync under way finish its batch first: a sync started from a page runs
// in ctx too, not in the request's.
func (a *App) Run(ctx context.Context) {
	a.syncer.run(ctx, a.cfg.AutoSync)
}

// routes registers every page: one thin handler each.
func (a *App) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(files, "static") // embedded: never fails
	mux.Handle("GET /static/", web.Static("/static/", static))
	mux.HandleFunc("GET /open", a.open)
	mux.HandleFunc("GET /hodan-ui", a.marker)
	a.handle(mux, "GET /{$}", a.home)
	a.handle(mux, "GET /enroll", a.enrollPage)
	a.handle(mux, "POST /enroll", a.enroll)
	a.handle(mux, "GET /households", a.households)
	a.handle(mux, "GET /households/{id}", a.household)
	a.handle(mux, "GET /villages", a.villages)
	a.handle(mux, "GET /records/{table}/new", a.newRecord)
	a.handle(mux, "POST /records/{table}/new", a.addRecord)
	a.handle(mux, "GET /records/{table}/{id}", a.showRecord)
	a.handle(mux, "GET /records/{table}/{id}/edit", a.editRecord)
	a.handle(mux, "POST /records/{table}/{id}/edit", a.updateRecord)
	a.handle(mux, "GET /records/{table}/{id}/delete", a.confirmDelete)
	a.handle(mux, "POST /records/{table}/{id}/delete", a.deleteRecord)
	a.handle(mux, "GET /records/{table}/{id}/history", a.history)
	a.handle(mux, "GET /households/{id}/visit", a.chooseForm)
	a.handle(mux, "POST /households/{id}/visit", a.beginVisit)
	a.handle(mux, "GET /drafts/{id}", a.draftStep)
	a.handle(mux, "POST /drafts/{id}", a.answerStep)
	a.handle(mux, "POST /drafts/{id}/save", a.saveVisit)
	a.handle(mux, "POST /drafts/{id}/drop", a.dropDraft)
	a.handle(mux, "GET /conflicts", a.conflicts)
	a.handle(mux, "POST /conflicts/{id}/keep", a.keepValue)
	a.handle(mux, "POST /orphans/{id}/settle", a.settleOrphan)
	a.handle(mux, "GET /duplicates", a.duplicates)
	a.handle(mux, "POST /duplicates/merge", a.merge)
	a.handle(mux, "GET /import", a.importPage)
	a.handle(mux, "POST /import", a.importList)
	a.handle(mux, "GET /import/{id}", a.importReport)
	a.handle(mux, "GET /export", a.exportPage)
	a.handle(mux, "GET /export/file", a.exportFile)
	a.handle(mux, "GET /sync", a.syncPage)
	a.handle(mux, "POST /sync", a.startSync)
	a.handle(mux, "GET /sync/state", a.syncState)
	mux.HandleFunc("/", a.notFound)
}
