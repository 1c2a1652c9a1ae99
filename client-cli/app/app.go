// Package app is the hodan command line: data entry by noun (household,
// member, visit, support, damage, village), sync, status and digests, over
// the officer's local replica.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/clitext"
	"hodan/internal/replica"
	"hodan/ops"
	"hodan/syncengine"
)

// Env is what the command line takes from its process.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Now is the wall clock; nil means time.Now, moved by
	// $HODAN_CLOCK_OFFSET if set (for tests only).
	Now func() time.Time
}

// app holds what every command shares.
type app struct {
	env    Env
	lang   lang
	dbPath string
	json   bool
	// langFlag is --lang as parsed; the language itself is chosen before
	// the commands are built (their help is in it), by chooseLang.
	langFlag string
	// doubt, set by withWriter, says why the laptop's clock cannot be
	// right; nil if nothing says so.
	doubt *ops.ClockDoubt
	// waitSaid makes sayWaiting say it once.
	waitSaid sync.Once
}

// Run runs hodan with args and returns the exit status: 0, or 1 after one
// line on stderr saying what was wrong.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil { // tests may run the binary with a wrong clock
		now, err := replica.ClockFromEnv(env.Getenv)
		if err != nil {
			fmt.Fprintln(env.Stderr, tr(langVI, "error.prefix", err))
			return 1
		}
		env.Now = now
	}
	l, err := chooseLang(args, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, tr(langVI, "error.prefix", err))
		return 1
	}
	a := &app{env: env, lang: l}
	root := a.rootCmd()
	root.SetArgs(args)
	out := &watchedWriter{Writer: env.Stdout}
	root.SetOut(out)
	root.SetErr(env.Stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(env.Stderr, a.T("error.prefix", a.explain(err)))
		if (a.json || wantsJSON(args)) && !out.wrote {
			printJSON(env.Stdout, errorJSON(a.lang, err)) // a command that printed JSON said its error in it
		}
		return 1
	}
	return 0
}

// wantsJSON reports whether args ask for --json, for an error cobra meets
// before it reads the flags (an unknown command).
func wantsJSON(args []string) bool {
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "--json" || arg == "--json=true" {
			return true
		}
	}
	return false
}

// watchedWriter is stdout, noting whether a command wrote to it. Fd is
// the file's, for the terminal's width.
type watchedWriter struct {
	io.Writer
	wrote bool
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	w.wrote = w.wrote || len(p) > 0
	return w.Writer.Write(p)
}

// Fd is the descriptor of the file behind w, or an invalid one.
func (w *watchedWriter) Fd() uintptr {
	if f, ok := w.Writer.(*os.File); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "hodan",
		Short:         a.T("root.short"),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().StringVar(&a.dbPath, "db", "", a.T("flag.db"))
	root.PersistentFlags().BoolVar(&a.json, "json", false, a.T("flag.json"))
	root.PersistentFlags().StringVar(&a.langFlag, "lang", "", a.T("flag.lang"))
	root.AddCommand(a.initCmd(), a.syncCmd(), a.statusCmd(), a.digestCmd(), a.refCmd(), a.clockCmd(), a.conflictsCmd())
	root.AddCommand(a.importCmd(), a.exportCmd(), a.uiCmd())
	for _, noun := range nouns() {
		root.AddCommand(a.nounCmd(noun))
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	clitext.Localize(root, a.lang, "household add")
	return root
}

// path is the database file to use: --db, then $HODAN_DB, then the user's
// config directory.
func (a *app) path() (string, error) {
	if a.dbPath != "" {
		return a.dbPath, nil
	}
	if p := a.env.Getenv("HODAN_DB"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", errMsg("error.no_db_dir", err)
	}
	return filepath.Join(dir, "hodan", "hodan.db"), nil
}

// writeWaits is how many times a command tries to write to a database
// another hodan command is writing to (an import of a long list); SQLite
// itself waits 10 seconds at each, so a command waits about two minutes
// before it gives up. Reading does not wait.
const writeWaits = 12

// open opens the local database, creating it (and its directory, private to
// the user) if needed. While another hodan command writes to it, a write
// (or an open that must migrate the file) says so on stderr, once, and
// waits.
func (a *app) open(ctx context.Context) (*syncengine.DB, error) {
	return a.openWaiting(ctx, writeWaits)
}

// openWaiting is open whose writes wait waits busy timeouts for another
// command's write.
func (a *app) openWaiting(ctx context.Context, waits int) (*syncengine.DB, error) {
	path, err := a.path()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, errMsg("error.create_db_dir", err)
	}
	opts := replica.Options{Migrations: ops.DeviceMigrations(), Now: a.env.Now,
		WriteWaits: waits, Waiting: a.sayWaiting}
	for attempt := 1; ; attempt++ {
		db, err := replica.Open(ctx, path, opts)
		if !syncengine.IsBusy(err) || attempt == writeWaits {
			return db, err
		}
		a.sayWaiting()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// sayWaiting tells the officer, once per command, that it waits for
// another command's write.
func (a *app) sayWaiting() {
	a.waitSaid.Do(func() { fmt.Fprintln(a.env.Stderr, a.T("input.db_waiting")) })
}

// openEnrolled opens the local database of an enrolled device. It creates
// nothing: a laptop without a database is not enrolled.
func (a *app) openEnrolled(ctx context.Context) (*syncengine.DB, *ops.Device, error) {
	path, err := a.path()
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ops.ErrNotEnrolled
	}
	db, err := a.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	dev, err := ops.LoadDevice(ctx, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, dev, nil
}

// withDevice runs fn on the enrolled laptop's database and closes it after.
func (a *app) withDevice(cmd *cobra.Command, fn func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error) error {
	ctx := cmd.Context()
	db, dev, err := a.openEnrolled(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, db, dev)
}

func (a *app) now() time.Time {
	if a.env.Now != nil {
		return a.env.Now()
	}
	return time.Now()
}
