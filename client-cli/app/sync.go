package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/syncengine"
)

func (a *app) initCmd() *cobra.Command {
	var server, code, caFile string
	cmd := &cobra.Command{
		Use:   a.T("init.use"),
		Short: a.T("init.short"),
		Long:  a.T("init.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := url.Parse(server)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usageError{errMsg("error.init_server")}
			}
			if strings.TrimSpace(code) == "" {
				return usageError{errMsg("error.init_code")}
			}
			var ca string
			if caFile != "" {
				if u.Scheme != "https" {
					return usageError{errMsg("error.init_ca_http", server)}
				}
				if ca, err = ops.ReadCA(caFile); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			dev, reenrolled, err := ops.Enroll(ctx, db, ops.Enrollment{Server: server, Code: code, CA: ca}, a.now())
			if err != nil {
				return err
			}
			if a.json {
				return printJSON(cmd.OutOrStdout(), map[string]any{"site_id": db.Site(), "communes": dev.Communes, "officer": dev.Officer, "server": server, "reenrolled": reenrolled})
			}
			fmt.Fprintln(cmd.OutOrStdout(), a.T("init.done", dev.Officer, strings.Join(dev.Communes, ", "), server, db.Site()))
			if u.Scheme == "http" && !isLoopback(u.Hostname()) {
				fmt.Fprintln(cmd.ErrOrStderr(), a.T("init.warn_http"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", a.T("init.flag_server"))
	cmd.Flags().StringVar(&code, "enroll", "", a.T("init.flag_enroll"))
	cmd.Flags().StringVar(&caFile, "ca", "", a.T("init.flag_ca"))
	return cmd
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *app) syncCmd() *cobra.Command {
	var batch int
	var snapshot, noSnapshot bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: a.T("sync.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				return a.sync(ctx, cmd, db, dev, batch, noSnapshot || !snapshot)
			})
		},
	}
	cmd.Flags().IntVar(&batch, "batch", 0, a.T("sync.flag_batch"))
	// A first sync pulls change by change unless --snapshot: a commune's
	// changes in the compact encoding are a thirtieth of its snapshot's
	// bytes and, on a laptop beside the server, take about as long
	// (BENCHMARKS.md, bench-peer). --no-snapshot, once needed for that,
	// is kept for scripts.
	cmd.Flags().BoolVar(&snapshot, "snapshot", false, a.T("sync.flag_snapshot"))
	cmd.Flags().BoolVar(&noSnapshot, "no-snapshot", false, a.T("sync.flag_no_snapshot"))
	cmd.Flags().MarkHidden("no-snapshot")
	return cmd
}

func (a *app) sync(ctx context.Context, cmd *cobra.Command, db *syncengine.DB, dev *ops.Device, batch int, noSnapshot bool) error {
	var report func(syncengine.Progress)
	var finish func()
	if !a.json && isTerminal(a.env.Stderr) {
		report, finish = a.syncProgress()
		defer finish()
	}
	res, err := ops.Sync(ctx, db, dev, ops.SyncOptions{Batch: batch, NoSnapshot: noSnapshot, Progress: report, Now: a.now})
	if err != nil {
		return err
	}
	a.warnClockOff(cmd, db, res.ServerTime)
	if a.json {
		return printJSON(cmd.OutOrStdout(), res)
	}
	if finish != nil {
		finish() // the bar's line is cleared before the summary
	}
	if res.SnapshotBytes > 0 {
		mb := fmt.Sprintf("%.1f", float64(res.SnapshotBytes)/1e6)
		if a.lang == "vi" {
			mb = strings.Replace(mb, ".", ",", 1)
		}
		fmt.Fprintln(cmd.OutOrStdout(), a.T("sync.snapshot", a.count(res.SnapshotChanges, "count.change"), mb))
	}
	if res.Fork != nil {
		fmt.Fprintln(cmd.OutOrStdout(), a.forkText(res.Fork))
	}
	fmt.Fprintln(cmd.OutOrStdout(), a.T("sync.done", a.count(res.Pushed, "count.change"), res.Pulled))
	if res.Rejected > 0 {
		fmt.Fprintln(cmd.OutOrStdout(), a.T("sync.refused", a.count(res.Rejected, "count.change")))
	}
	if res.Conflicts > 0 {
		fmt.Fprintln(cmd.OutOrStdout(), a.T("sync.conflicts", a.count(res.Conflicts, "count.conflict")))
	}
	return nil
}

// syncProgress reports a sync's progress on progress bars, one a phase:
// sending, with its total, then receiving, whose total is unknown. finish
// ends the last bar; it may be called more than once.
func (a *app) syncProgress() (report func(syncengine.Progress), finish func()) {
	return a.phaseBars(func(phase string) string {
		if phase == "push" {
			return "sync.sending"
		}
		return "sync.receiving"
	})
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: a.T("status.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				names, err := ops.DeviceOfficers(ctx, db, dev)
				if err != nil {
					return err
				}
				st, err := ops.ReadStatus(ctx, db, dev, names, a.now())
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), statusJSON(st))
				}
				return a.printStatus(cmd.OutOrStdout(), st)
			})
		},
	}
}

func statusJSON(st ops.Status) map[string]any {
	dev := st.Device
	out := map[string]any{
		"site_id": st.Site, "server": dev.Server, "officer": dev.Officer, "communes": dev.Communes,
		"database": st.Path, "pending": st.Pending, "rejected": st.Rejected, "last_sync": nil,
		"open_conflicts": st.OpenConflicts, "orphans": st.Orphans,
	}
	if st.Rejected == nil {
		out["rejected"] = []any{}
	}
	if !st.LastSync.IsZero() {
		out["last_sync"] = st.LastSync.UTC().Format(time.RFC3339)
	}
	if st.Fork != nil {
		out["fork"] = st.Fork
	}
	return out
}

func (a *app) digestCmd() *cobra.Command {
	var commune string
	cmd := &cobra.Command{
		Use:   a.T("digest.use"),
		Short: a.T("digest.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, _ *ops.Device) error {
				d, err := db.Digest(ctx, commune)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), map[string]string{"digest": d})
				}
				fmt.Fprintln(cmd.OutOrStdout(), d)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&commune, "commune", "", a.T("digest.flag_commune"))
	return cmd
}
