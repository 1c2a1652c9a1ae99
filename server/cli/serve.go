package cli

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/internal/replica"
	"hodan/internal/web"
	"hodan/ops"
	"hodan/server/accounts"
	"hodan/server/console"
	"hodan/server/httpd"
	"hodan/server/registry"
)

// serveFlags are the options of serve beyond httpd.Config.
type serveFlags struct {
	db, addr        string
	tlsCert, tlsKey string
	checkpointEvery time.Duration
	settleEvery     time.Duration
	cpuProfile      string
	console         bool
	publicHosts     []string
}

func serveCmd(t tr, getenv func(string) string) *cobra.Command {
	var f serveFlags
	var cfg httpd.Config
	cmd := &cobra.Command{
		Use:   "serve",
		Short: t.T("server.serve.short"),
		Long:  t.T("server.serve.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (f.tlsCert == "") != (f.tlsKey == "") {
				return i18n.Errorf("server.serve.error.tls_pair")
			}
			if cfg.DeviceRate == 0 {
				return i18n.Errorf("server.serve.error.rate")
			}
			return serve(cmd.Context(), t, cmd, f, cfg, getenv)
		},
	}
	dbFlag(t, cmd, &f.db)
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", t.T("server.serve.flag.addr"))
	fl.StringVar(&f.tlsCert, "tls-cert", "", t.T("server.serve.flag.tls_cert"))
	fl.StringVar(&f.tlsKey, "tls-key", "", t.T("server.serve.flag.tls_key"))
	fl.DurationVar(&cfg.MaxClockSkew, "max-clock-skew", httpd.DefaultMaxClockSkew, t.T("server.serve.flag.max_clock_skew"))
	fl.Int64Var(&cfg.MaxBody, "max-body", httpd.DefaultMaxBody, t.T("server.serve.flag.max_body"))
	fl.Float64Var(&cfg.DeviceRate, "rate", httpd.DefaultDeviceRate, t.T("server.serve.flag.rate"))
	fl.IntVar(&cfg.DeviceBurst, "rate-burst", httpd.DefaultDeviceBurst, t.T("server.serve.flag.rate_burst"))
	fl.DurationVar(&f.checkpointEvery, "checkpoint-every", 10*time.Minute, t.T("server.serve.flag.checkpoint_every"))
	fl.DurationVar(&f.settleEvery, "settle-every", time.Minute, t.T("server.serve.flag.settle_every"))
	fl.StringVar(&cfg.SnapshotDir, "snapshot-dir", "", t.T("server.serve.flag.snapshot_dir"))
	fl.BoolVar(&cfg.NoSnapshots, "no-snapshots", false, t.T("server.serve.flag.no_snapshots"))
	fl.DurationVar(&cfg.SnapshotMaxAge, "snapshot-max-age", httpd.DefaultSnapshotMaxAge, t.T("server.serve.flag.snapshot_max_age"))
	fl.IntVar(&cfg.SnapshotMaxLag, "snapshot-max-lag", httpd.DefaultSnapshotMaxLag, t.T("server.serve.flag.snapshot_max_lag"))
	fl.BoolVar(&f.console, "console", true, t.T("server.serve.flag.console"))
	fl.StringArrayVar(&f.publicHosts, "public-host", nil, t.T("server.serve.flag.public_host"))
	fl.BoolVar(&cfg.SnapshotOnEnroll, "snapshot-on-enroll", false, t.T("server.serve.flag.snapshot_on_enroll"))
	// For operators and developers measuring the server, not for daily use:
	// hidden from the help, described in README.
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", t.T("server.serve.flag.cpuprofile"))
	_ = fl.MarkHidden("cpuprofile")
	return cmd
}

func serve(ctx context.Context, t tr, cmd *cobra.Command, f serveFlags, cfg httpd.Config, getenv func(string) string) error {
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var tlsConfig *tls.Config
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return i18n.Errorf("server.serve.error.tls_load", f.tlsCert, f.tlsKey, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	now, err := replica.ClockFromEnv(getenv) // tests run the server with its clock wrong
	if err != nil {
		return err
	}
	db, err := replica.Open(ctx, f.db, replica.Options{Migrations: serverMigrations(), Now: now, ClockTolerance: cfg.MaxClockSkew})
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return i18n.Errorf("server.serve.error.listen", f.addr, err)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	cfg.DB, cfg.Registry, cfg.Log, cfg.Now = db, registry.New(db, nil), log, now
	if _, err := cfg.Registry.ServerKey(ctx); err != nil {
		return err
	}
	if f.console {
		c, err := console.New(console.Config{DB: db, Registry: cfg.Registry, Accounts: accounts.NewStore(db, accounts.Options{}),
			Log: log, Hosts: consoleHosts(f.publicHosts, ln.Addr()), Secure: tlsConfig != nil})
		if err != nil {
			return err
		}
		cfg.Console = c
	}
	fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.serve.serving", db.Name(), db.Site(), scheme, ln.Addr()))
	if f.console {
		fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.serve.console", scheme, ln.Addr()))
	}
	stop := make(chan struct{})
	var jobs sync.WaitGroup
	jobs.Go(func() { checkpoints(cfg.Registry, f.checkpointEvery, stop, log) })
	jobs.Go(func() { ops.Settler{DB: db, Every: f.settleEvery, Log: log}.Run(stop) })
	err = httpd.New(cfg).Serve(ctx, ln)
	close(stop)
	jobs.Wait()
	if err != nil {
		return i18n.Errorf("server.serve.error.serve", err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.serve.stopped"))
	return nil
}

// consoleHosts are the Host values the console answers to: those given
// with --public-host, else, on a loopback address, its loopback names
// (a page of another site cannot make its name point here), else any.
func consoleHosts(public []string, addr net.Addr) []string {
	if len(public) > 0 {
		hosts := make([]string, len(public))
		for i, h := range public {
			hosts[i] = strings.ToLower(strings.TrimSpace(h))
		}
		return hosts
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return web.LoopbackHosts(addr.String())
	}
	return nil
}

// startCPUProfile profiles the process into a new file at path until the
// returned function is called.
func startCPUProfile(path string) (func(), error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); out.Close() }, nil
}

// checkpoints signs a checkpoint of the log every interval (if it grew)
// until stop is closed, then one last time.
func checkpoints(reg *registry.Registry, every time.Duration, stop <-chan struct{}, log *slog.Logger) {
	sign := func() {
		// Not the serve context: the last one is signed after it ends.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cp, err := reg.Checkpoint(ctx, time.Now())
		if err != nil {
			log.Error("checkpoint", "err", err)
			return
		}
		if cp.Size != 0 {
			log.Info("checkpoint", "entries", cp.Size, "head", cp.Head.String())
		}
	}
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-tick:
			sign()
		case <-stop:
			sign()
			return
		}
	}
}
