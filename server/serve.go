package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
	"hodan/internal/web"
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
	cpuProfile      string
	console         bool
	publicHosts     []string
}

func serveCmd() *cobra.Command {
	var f serveFlags
	var cfg httpd.Config
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sync protocol on the given address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (f.tlsCert == "") != (f.tlsKey == "") {
				return fmt.Errorf("give both --tls-cert and --tls-key, or neither")
			}
			if cfg.DeviceRate == 0 {
				return fmt.Errorf("--rate must be above 0 (requests a second per device), or below 0 for no limit")
			}
			return serve(cmd.Context(), cmd, f, cfg)
		},
	}
	dbFlag(cmd, &f.db)
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file, as hodan-server tls init makes it")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the PEM private key of --tls-cert")
	fl.DurationVar(&cfg.MaxClockSkew, "max-clock-skew", httpd.DefaultMaxClockSkew, "refuse changes stamped further ahead of this server's clock")
	fl.Int64Var(&cfg.MaxBody, "max-body", httpd.DefaultMaxBody, "largest request body accepted, in bytes")
	fl.Float64Var(&cfg.DeviceRate, "rate", httpd.DefaultDeviceRate, "requests a second one device may make (negative: no limit)")
	fl.IntVar(&cfg.DeviceBurst, "rate-burst", httpd.DefaultDeviceBurst, "requests one device may make at once before --rate applies")
	fl.DurationVar(&f.checkpointEvery, "checkpoint-every", 10*time.Minute, "sign a checkpoint of the log this often, if it grew, and when stopping (0: only when stopping)")
	fl.StringVar(&cfg.SnapshotDir, "snapshot-dir", "", "keep the snapshots new devices start from in this directory (default: the database's path + .snapshots)")
	fl.BoolVar(&cfg.NoSnapshots, "no-snapshots", false, "serve no snapshots: new devices pull their communes change by change")
	fl.DurationVar(&cfg.SnapshotMaxAge, "snapshot-max-age", httpd.DefaultSnapshotMaxAge, "build a kept snapshot again once it is older than this")
	fl.IntVar(&cfg.SnapshotMaxLag, "snapshot-max-lag", httpd.DefaultSnapshotMaxLag, "build a kept snapshot again once more changes of its communes were logged since")
	fl.BoolVar(&f.console, "console", true, "serve the operators' web console at every path outside /v1 (--console=false: the sync API only)")
	fl.StringArrayVar(&f.publicHosts, "public-host", nil, "a name the console is reached at, host[:port] as browsers send it (repeat for more); other Host headers are refused. Default: any, or only the loopback names when listening on loopback")
	fl.BoolVar(&cfg.SnapshotOnEnroll, "snapshot-on-enroll", false, "build the snapshot of a device's communes in the background when it enrolls, ready for a first sync with hodan sync --snapshot (by default a laptop pulls change by change, and the build only competes with it)")
	// For operators and developers measuring the server, not for daily use:
	// hidden from the help, described in README.
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (read it with go tool pprof)")
	_ = fl.MarkHidden("cpuprofile")
	return cmd
}

func serve(ctx context.Context, cmd *cobra.Command, f serveFlags, cfg httpd.Config) error {
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
			return fmt.Errorf("load --tls-cert %s and --tls-key %s (PEM files, as `hodan-server tls init` makes them): %w", f.tlsCert, f.tlsKey, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	now, err := replica.ClockFromEnv(os.Getenv) // tests run the server with its clock wrong
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
		return fmt.Errorf("listen: %w", err)
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
	fmt.Fprintf(cmd.ErrOrStderr(), "hodan-server: serving %s (site %s) on %s://%s\n", f.db, db.Site(), scheme, ln.Addr())
	if f.console {
		fmt.Fprintf(cmd.ErrOrStderr(), "hodan-server: the console is at %s://%s/ (accounts: hodan-server user add)\n", scheme, ln.Addr())
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkpoints(cfg.Registry, f.checkpointEvery, stop, log)
	}()
	err = httpd.New(cfg).Serve(ctx, ln)
	close(stop)
	<-done
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "hodan-server: stopped")
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
