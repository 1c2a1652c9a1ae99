package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/server/registry"
)

func serveCmd() *cobra.Command {
	var db, addr string
	var skew time.Duration
	var maxBody int64
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sync protocol on the given address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), cmd, db, addr, httpd.Config{MaxClockSkew: skew, MaxBody: maxBody})
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	cmd.Flags().DurationVar(&skew, "max-clock-skew", httpd.DefaultMaxClockSkew, "refuse changes stamped further ahead of this server's clock")
	cmd.Flags().Int64Var(&maxBody, "max-body", httpd.DefaultMaxBody, "largest request body accepted, in bytes")
	return cmd
}

func serve(ctx context.Context, cmd *cobra.Command, path, addr string, cfg httpd.Config) error {
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	db, err := replica.Open(ctx, path, replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	cfg.DB, cfg.Registry, cfg.Log = db, registry.New(db, nil), log
	fmt.Fprintf(cmd.ErrOrStderr(), "hodan-server: serving %s (site %s) on http://%s\n", path, db.Site(), ln.Addr())
	if err := httpd.New(cfg).Serve(ctx, ln); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "hodan-server: stopped")
	return nil
}
