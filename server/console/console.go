package console

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"hodan/internal/web"
	"hodan/server/accounts"
	"hodan/server/registry"
	"hodan/syncengine"
)

//go:embed templates/*.html static
var files embed.FS

// Config is what a Console needs.
type Config struct {
	DB       *syncengine.DB
	Registry *registry.Registry
	Accounts *accounts.Store
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
	// Hosts are the Host values the console answers to, host:port as a
	// browser sends them (web.Guard); empty accepts any Host.
	Hosts []string
	// Secure marks the session cookie Secure: the server speaks TLS.
	Secure bool
	// Sections are parts other packages add to the console (indicators
	// and reports): each shows in the navigation to the operators allowed
	// to use it, and only once it is given here.
	Sections []Section
}

// Section is a part of the console that another package provides. Its
// handler serves Path and every path below it, behind the console's
// middleware (guard, session, CSRF on POST, language) and after the
// operator's permission Need is checked; it reads the operator with
// UserOf and the language with LangOf.
type Section struct {
	Path    string              // "/reports"
	Nav     string              // the catalogue key of its navigation entry
	Need    accounts.Permission // who sees it
	Handler http.Handler
}

// Console is the operators' web console. It is safe for concurrent use.
type Console struct {
	cfg     Config
	pages   *web.Pages
	handler http.Handler
	// resolving holds a conflict's check and its resolution together
	// (keepValue): two clicks at once write once.
	resolving sync.Mutex
}

// New builds the console from cfg.
func New(cfg Config) (*Console, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	pages, err := web.ParsePages(files, "templates", funcs(nil, time.Time{}))
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	c := &Console{cfg: cfg, pages: pages}
	mux := http.NewServeMux()
	c.routes(mux)
	guard := &web.Guard{Hosts: cfg.Hosts, Refused: c.refused}
	c.handler = c.logRequests(guard.Wrap(c.withVisit(mux)))
	return c, nil
}

// ServeHTTP answers one request of the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// routes registers every page: one thin handler each.
func (c *Console) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(files, "static") // embedded: never fails
	mux.Handle("GET /static/", web.Static("/static/", static))
	mux.HandleFunc("GET /login", c.loginPage)
	mux.HandleFunc("POST /login", c.login)
	c.handle(mux, "POST /logout", "", c.logout)
	c.handle(mux, "GET /{$}", "", c.home)
	c.handle(mux, "GET /overview", accounts.ViewReports, c.overview)
	c.handle(mux, "GET /laptops", accounts.ManageDevices, c.laptops)
	c.handle(mux, "GET /laptops/{id}/revoke", accounts.ManageDevices, c.revokePage)
	c.handle(mux, "POST /laptops/{id}/revoke", accounts.ManageDevices, c.revoke)
	c.handle(mux, "GET /enroll", accounts.ManageDevices, c.enrollPage)
	c.handle(mux, "POST /enroll", accounts.ManageDevices, c.enroll)
	c.handle(mux, "GET /support", accounts.Reconcile, c.support)
	c.handle(mux, "GET /duplicates", accounts.Reconcile, c.duplicates)
	c.handle(mux, "GET /duplicates/merge", accounts.Reconcile, c.mergePage)
	c.handle(mux, "POST /duplicates/merge", accounts.Reconcile, c.merge)
	c.handle(mux, "GET /conflicts", accounts.Reconcile, c.conflicts)
	c.handle(mux, "POST /conflicts/{id}/keep", accounts.Reconcile, c.keepValue)
	c.handle(mux, "GET /reports", accounts.ViewReports, c.reports)
	c.handle(mux, "POST /reports/download", accounts.ViewReports, c.download)
	c.handle(mux, "GET /reports/freshness", accounts.ViewReports, c.freshnessPage)
	c.handle(mux, "GET /reports/targets", accounts.SetTargets, c.targetsForm)
	c.handle(mux, "POST /reports/targets", accounts.SetTargets, c.setTargets)
	c.handle(mux, "GET /accounts", accounts.ManageAccounts, c.accountsPage)
	c.handle(mux, "POST /accounts", accounts.ManageAccounts, c.addAccount)
	c.handle(mux, "GET /accounts/{login}/password", accounts.ManageAccounts, c.passwordPage)
	c.handle(mux, "POST /accounts/{login}/password", accounts.ManageAccounts, c.setPassword)
	c.handle(mux, "GET /accounts/{login}/disable", accounts.ManageAccounts, c.disablePage)
	c.handle(mux, "POST /accounts/{login}/disable", accounts.ManageAccounts, c.disable)
	c.handle(mux, "GET /audit", accounts.ViewAudit, c.auditPage)
	c.handle(mux, "POST /audit/verify", accounts.ViewAudit, c.verifyLog)
	c.handle(mux, "POST /audit/export", accounts.ViewAudit, c.export)
	c.handle(mux, "POST /audit/actions/verify", accounts.ViewAudit, c.verifyActions)
	for _, s := range c.cfg.Sections {
		h := func(w http.ResponseWriter, r *http.Request, _ *visit) error { s.Handler.ServeHTTP(w, r); return nil }
		c.handle(mux, s.Path, s.Need, h)
		c.handle(mux, s.Path+"/", s.Need, h)
	}
	mux.HandleFunc("/", c.notFound)
}
