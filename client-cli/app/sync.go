package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
				if ca, err = readCA(caFile); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			before, err := loadDevice(ctx, db)
			if err != nil && !errors.Is(err, errNotEnrolled) {
				return err
			}
			if before != nil {
				if err := stillEnrolled(ctx, before); err != nil {
					return err
				}
			}
			// A new key at every enrollment: a laptop enrolled again after
			// it was revoked does not keep the key that may have leaked.
			key, err := newDeviceKey()
			if err != nil {
				return err
			}
			dev := &device{Server: server, CA: ca, Key: key}
			client, err := dev.client(0)
			if err != nil {
				return err
			}
			res, err := client.Enroll(ctx, code, db.Site())
			if err != nil {
				return initFailure(server, err)
			}
			if before != nil && before.ServerSite != res.ServerSite.String() {
				return errMsg("error.init_other_server", before.Server, server)
			}
			dev.Token, dev.Officer, dev.Communes = res.Token, res.Officer, res.Scopes
			dev.ServerSite, dev.EnrolledAt = res.ServerSite.String(), a.now()
			if err := saveDevice(ctx, db, dev); err != nil {
				return err
			}
			if a.json {
				return printJSON(cmd.OutOrStdout(), map[string]any{"site_id": db.Site(), "communes": dev.Communes, "officer": dev.Officer, "server": server, "reenrolled": before != nil})
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

// stillEnrolled refuses to enroll again a laptop whose enrollment is
// live, before a new code is spent on it; a revoked one may.
func stillEnrolled(ctx context.Context, dev *device) error {
	client, err := dev.client(0)
	if err != nil {
		return err
	}
	err = client.Check(ctx)
	var remote *syncengine.Error
	switch {
	case err == nil:
		return errMsg("error.init_already", dev.Server, strings.Join(dev.Communes, ", "))
	case errors.As(err, &remote) && (remote.Code == syncengine.CodeRevoked || remote.Code == syncengine.CodeUnauthorized):
		return nil
	}
	return initFailure(dev.Server, err)
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
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
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

func (a *app) sync(ctx context.Context, cmd *cobra.Command, db *syncengine.DB, dev *device, batch int, noSnapshot bool) error {
	client, err := dev.client(batch)
	if err != nil {
		return err
	}
	client.NoSnapshot = noSnapshot
	var finish func()
	if !a.json && isTerminal(a.env.Stderr) {
		client.Progress, finish = a.syncProgress()
		defer finish()
	}
	res, err := client.Sync(ctx, db)
	if rerr := a.recordServerTime(ctx, db, res.ServerTime); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return remoteError(dev.Server, err)
	}
	// Merges received from others may leave records to move (see
	// settleMerges); those writes are sent at once.
	settled := 0
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		err := settleMerges(tx, dev.Communes)
		settled = tx.Changes()
		return err
	})
	if err != nil {
		return err
	}
	if settled > 0 {
		more, err := client.Sync(ctx, db)
		if err != nil {
			return remoteError(dev.Server, err)
		}
		res.Pushed, res.Pulled, res.Rejected = res.Pushed+more.Pushed, res.Pulled+more.Pulled, res.Rejected+more.Rejected
		res.Fork = cmp.Or(res.Fork, more.Fork)
	}
	if err := db.RecordSync(ctx, a.now()); err != nil {
		return err
	}
	if res.Pulled > 0 {
		if err := learnOfficers(ctx, client, db); err != nil {
			return remoteError(dev.Server, err)
		}
	}
	open, err := openConflicts(ctx, db, dev)
	if err != nil {
		return err
	}
	a.warnClockOff(cmd, db, res.ServerTime)
	if a.json {
		return printJSON(cmd.OutOrStdout(), struct {
			syncengine.SyncResult
			Conflicts int `json:"conflicts"`
		}{res, open})
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
	if open > 0 {
		fmt.Fprintln(cmd.OutOrStdout(), a.T("sync.conflicts", a.count(open, "count.conflict")))
	}
	return nil
}

// learnOfficers keeps the names of the officers whose changes this laptop
// may pull, to name them offline (a conflict's sides, who deleted a
// record): a small answer that costs the server no pass over its log. A
// server older than /v1/officers names them in its conflicts instead.
func learnOfficers(ctx context.Context, client *syncengine.Client, db *syncengine.DB) error {
	officers, err := client.Officers(ctx)
	var remote *syncengine.Error
	if errors.As(err, &remote) && remote.Code == syncengine.CodeNotFound {
		views, cerr := client.Conflicts(ctx)
		officers, err = conflictOfficers(views), cerr
	}
	if err != nil {
		return err
	}
	return rememberOfficers(ctx, db, officers)
}

// syncProgress reports a sync's progress on progress bars, one a phase:
// sending, with its total, then receiving, whose total is unknown. finish
// ends the last bar; it may be called more than once.
func (a *app) syncProgress() (report func(syncengine.Progress), finish func()) {
	var bar *progress
	phase, done := "", 0
	report = func(p syncengine.Progress) {
		if p.Phase != phase {
			bar.Finish()
			phase, done = p.Phase, 0
			if p.Phase == "push" {
				bar = a.progress(int64(p.Total), "sync.sending")
			} else {
				bar = a.progress(0, "sync.receiving")
			}
		}
		bar.Add(int64(p.Done - done))
		done = p.Done
	}
	finish = func() {
		bar.Finish()
		bar, phase = nil, ""
	}
	return report, finish
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: a.T("status.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				st, err := db.Status(ctx)
				if err != nil {
					return err
				}
				rejected, err := db.RejectedChanges(ctx)
				if err != nil {
					return err
				}
				open, err := openConflicts(ctx, db, dev)
				if err != nil {
					return err
				}
				if a.json {
					out := statusJSON(db.Path(), dev, st, rejected)
					out["open_conflicts"] = open
					if out["orphans"], err = orphanCount(ctx, db, dev); err != nil {
						return err
					}
					return printJSON(cmd.OutOrStdout(), out)
				}
				return a.printStatus(ctx, cmd.OutOrStdout(), db, dev, st, rejected, open)
			})
		},
	}
}

func statusJSON(path string, dev *device, st syncengine.Status, rejected []syncengine.RejectedChange) map[string]any {
	out := map[string]any{
		"site_id": st.Site, "server": dev.Server, "officer": dev.Officer, "communes": dev.Communes,
		"database": path, "pending": st.Pending, "rejected": rejected, "last_sync": nil,
	}
	if rejected == nil {
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
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, _ *device) error {
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

// remoteError marks a failed exchange with the server, for explain.
func remoteError(server string, err error) error {
	return &syncFailure{server: server, err: err}
}

// initFailure marks a failed exchange of hodan init with the server: one
// the officer cures by running hodan init again.
func initFailure(server string, err error) error {
	return &syncFailure{server: server, err: err, init: true}
}

// syncFailure is an error that came of talking to the server; init marks
// one of hodan init, which an officer cures by running it again.
type syncFailure struct {
	server string
	err    error
	init   bool
}

// unreachable is the message key of a server out of reach.
func (e *syncFailure) unreachable() string {
	if e.init {
		return "input.init_unreachable"
	}
	return "error.unreachable"
}

func (e *syncFailure) Error() string { return e.err.Error() }
func (e *syncFailure) Unwrap() error { return e.err }
