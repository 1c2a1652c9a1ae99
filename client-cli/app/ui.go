package app

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hodan/client-cli/ui"
	"hodan/internal/web"
)

// autoSync is how often `hodan ui` syncs in the background.
const autoSync = 5 * time.Minute

func (a *app) uiCmd() *cobra.Command {
	var addr string
	var noBrowser bool
	cmd := &cobra.Command{
		Use:   "ui",
		Short: a.T("ui.cmd.short"),
		Long:  a.T("ui.cmd.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serveUI(cmd.Context(), cmd.OutOrStdout(), addr, !noBrowser)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", a.T("ui.cmd.flag_addr"))
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, a.T("ui.cmd.flag_no_browser"))
	return cmd
}

// serveUI serves the officer's web app on addr, a loopback address, until
// ctx ends. The address with the secret is written to a file only the
// officer can read (a command line, the browser's included, is visible
// to every user of the machine), and that file is what the browser opens.
func (a *app) serveUI(ctx context.Context, out io.Writer, addr string, browse bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !isLoopback(strings.Trim(host, "[]")) {
		return usageError{errMsg("ui.cmd.bad_addr", addr)}
	}
	dbPath, err := a.path()
	if err != nil {
		return err
	}
	opener := filepath.Join(filepath.Dir(dbPath), "hodan-ui.html")
	if running := runningAt(opener); running != "" && ours(ctx, running) {
		// The officer started Hodan again: one app per database.
		fmt.Fprintln(out, a.T("ui.cmd.already", "http://"+running))
		return a.browse(out, opener, browse)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if ours(ctx, addr) { // a hodan ui already serves there: open it again
			fmt.Fprintln(out, a.T("ui.cmd.already", "http://"+addr))
			return a.browse(out, opener, browse)
		}
		return errMsg("ui.cmd.listen", addr, err)
	}
	// The web app's writes wait SQLite's busy timeout once, not two
	// minutes: a page then says that another command is writing rather
	// than hang.
	db, err := a.openWaiting(ctx, 1)
	if err != nil {
		ln.Close()
		return err
	}
	defer db.Close()
	here := ln.Addr().String()
	secret := web.RandomToken()
	_, port, _ := net.SplitHostPort(here)
	app, err := ui.New(ui.Config{DB: db, Lang: a.lang, LangFixed: a.langFlag != "" || a.env.Getenv("HODAN_LANG") != "",
		Secret: secret, Hosts: web.LoopbackHosts(here), CookieTag: port, AutoSync: autoSync, Now: a.env.Now})
	if err != nil {
		ln.Close()
		return err
	}
	url := "http://" + here + "/open?s=" + secret
	if err := writeOpener(opener, url); err != nil {
		ln.Close()
		return err
	}
	// The page goes as soon as the app is told to end: on Windows a closed
	// window gives the process a few seconds only, and the requests and
	// the sync under way may take longer.
	stop := context.AfterFunc(ctx, func() { removeOpener(opener, url) })
	defer func() { stop(); removeOpener(opener, url) }()
	fmt.Fprintln(out, a.T("ui.cmd.listening", "http://"+here))
	if err := a.browse(out, opener, browse); err != nil {
		return err
	}
	fmt.Fprintln(out, a.T("ui.cmd.stop"))
	return serve(ctx, ln, app)
}

// serve answers requests on ln until ctx ends, then lets the requests
// and the sync under way finish: the database is closed after.
func serve(ctx context.Context, ln net.Listener, app *ui.App) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	ran := make(chan struct{})
	go func() { app.Run(ctx); close(ran) }()
	defer func() { cancel(); <-ran }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shut, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// browse says where the page that opens the app is and, if asked, opens
// it in the officer's browser.
func (a *app) browse(out io.Writer, opener string, browse bool) error {
	fmt.Fprintln(out, a.T("ui.cmd.open_hint", opener))
	if !browse {
		return nil
	}
	if err := openBrowser(opener); err != nil {
		fmt.Fprintln(out, a.T("ui.cmd.no_browser", err))
	}
	return nil
}

// openBrowser opens file in the system's browser: xdg-open on Linux,
// the URL protocol handler on Windows, open on macOS.
func openBrowser(file string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", file)
	case "darwin":
		cmd = exec.Command("open", file)
	default:
		cmd = exec.Command("xdg-open", file)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // the opener returns at once; its status says nothing of the browser
	return nil
}

// opener is the page that sends the browser on to the app's address with
// its secret.
var opener = template.Must(template.New("opener").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={{.}}"><title>Hodan</title></head>
<body><p><a href="{{.}}">Hodan</a></p></body></html>
`))

// writeOpener writes the page that opens url to path, readable by the
// officer alone.
func writeOpener(path, url string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return errMsg("error.create_db_dir", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := opener.Execute(f, template.URL(url)); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// openerAddr finds the address an opener page sends the browser to.
var openerAddr = regexp.MustCompile(`http://([^/"]+)/open\?s=`)

// runningAt is the address the opener page at path opens, host:port, or
// "" when there is none.
func runningAt(path string) string {
	page, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if m := openerAddr.FindSubmatch(page); m != nil {
		return string(m[1])
	}
	return ""
}

// removeOpener removes the opener page at path if it still opens url:
// a page another hodan ui wrote since is its own.
func removeOpener(path, url string) {
	if page, err := os.ReadFile(path); err == nil && strings.Contains(string(page), url) {
		os.Remove(path)
	}
}

// ours reports whether a hodan ui answers at addr.
func ours(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/hodan-ui", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return string(body) == ui.Marker
}
