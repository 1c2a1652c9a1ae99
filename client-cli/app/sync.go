package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"hodan/syncengine"
)

func (a *app) initCmd() *cobra.Command {
	var server, code, caFile string
	cmd := &cobra.Command{
		Use:   "init --server URL --enroll CODE [--ca FILE]",
		Short: "Enroll this laptop with the district server, using the one-time code from the district",
		Long: `Enroll this laptop with the district server, using the one-time code from
the district. With --ca, the laptop trusts only that certificate authority
for the server (a district server with its own certificate, made by
` + "`hodan-server tls init`" + `). A laptop the district revoked enrolls again
the same way, with a new code; its records are kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := url.Parse(server)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usageError{fmt.Errorf("--server must be the district server's address, such as https://hodan.huyen.example:8443")}
			}
			if strings.TrimSpace(code) == "" {
				return usageError{fmt.Errorf("--enroll needs the one-time code from the district")}
			}
			var ca string
			if caFile != "" {
				if u.Scheme != "https" {
					return usageError{fmt.Errorf("--ca pins the certificate of an https:// server, and %s is not one", server)}
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
				return remoteError(server, err)
			}
			if before != nil && before.ServerSite != res.ServerSite.String() {
				return fmt.Errorf("this database belongs to another district server (%s); use another --db to enroll with %s", before.Server, server)
			}
			dev.Token, dev.Officer, dev.Communes = res.Token, res.Officer, res.Scopes
			dev.ServerSite, dev.EnrolledAt = res.ServerSite.String(), a.now()
			if err := saveDevice(ctx, db, dev); err != nil {
				return err
			}
			if a.json {
				return printJSON(cmd.OutOrStdout(), map[string]any{"site_id": db.Site(), "communes": dev.Communes, "officer": dev.Officer, "server": server, "reenrolled": before != nil})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Enrolled %s for communes %s with %s.\nThis laptop's site id: %s\n", dev.Officer, strings.Join(dev.Communes, ", "), server, db.Site())
			if u.Scheme == "http" && !isLoopback(u.Hostname()) {
				fmt.Fprintln(cmd.ErrOrStderr(), "Warning: this server is reached without encryption (http://); household data crosses the network readable. Ask the district for an https:// address.")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "the district server's address")
	cmd.Flags().StringVar(&code, "enroll", "", "the one-time enrollment code")
	cmd.Flags().StringVar(&caFile, "ca", "", "trust only this PEM certificate authority for the server (ca.pem from the district)")
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
		return fmt.Errorf("this laptop is already enrolled with %s for %s; to enroll it again the district must first revoke it (`hodan-server device revoke`), or use another --db", dev.Server, strings.Join(dev.Communes, ", "))
	case errors.As(err, &remote) && (remote.Code == syncengine.CodeRevoked || remote.Code == syncengine.CodeUnauthorized):
		return nil
	}
	return remoteError(dev.Server, err)
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
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Send this laptop's new records to the district server and receive the others'",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
				return a.sync(ctx, cmd, db, dev, batch)
			})
		},
	}
	cmd.Flags().IntVar(&batch, "batch", syncengine.DefaultBatchSize, "changes per request")
	return cmd
}

func (a *app) sync(ctx context.Context, cmd *cobra.Command, db *syncengine.DB, dev *device, batch int) error {
	client, err := dev.client(batch)
	if err != nil {
		return err
	}
	if !a.json {
		client.Progress = progressPrinter(cmd.ErrOrStderr())
	}
	res, err := client.Sync(ctx, db)
	if client.Progress != nil {
		fmt.Fprintln(cmd.ErrOrStderr())
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
	}
	if err := db.RecordSync(ctx, a.now()); err != nil {
		return err
	}
	if res.Pushed+res.Pulled > 0 {
		// Learn who wrote the conflicting values, to name them offline. It
		// costs the server a pass over the commune's log: only when
		// something moved.
		remote, err := client.Conflicts(ctx)
		if err != nil {
			return remoteError(dev.Server, err)
		}
		if err := rememberOfficers(ctx, db, remote); err != nil {
			return err
		}
	}
	open, err := openConflicts(ctx, db, dev)
	if err != nil {
		return err
	}
	if a.json {
		return printJSON(cmd.OutOrStdout(), struct {
			syncengine.SyncResult
			Conflicts int `json:"conflicts"`
		}{res, open})
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Sent %s, received %d.\n", plural(res.Pushed, "change"), res.Pulled)
	if res.Rejected > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "The server refused %s; `hodan status` lists them.\n", plural(res.Rejected, "change"))
	}
	if open > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "%s to look at: `hodan conflicts list`.\n", plural(open, "conflict"))
	}
	return nil
}

// progressPrinter shows sync progress on a terminal, one line redrawn in
// place (the caller ends it), and nothing when stderr is not a terminal.
func progressPrinter(w io.Writer) func(syncengine.Progress) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(p syncengine.Progress) {
		switch p.Phase {
		case "push":
			fmt.Fprintf(w, "\rsending:   %d of %d changes", p.Done, p.Total)
		default:
			fmt.Fprintf(w, "\rreceiving: %d changes          ", p.Done)
		}
	}
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show this laptop's enrollment, changes waiting to be sent, and the last sync",
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
					return printJSON(cmd.OutOrStdout(), out)
				}
				if err := printStatus(cmd.OutOrStdout(), db.Path(), dev, st, rejected, a.now()); err != nil {
					return err
				}
				if open > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "Conflicts to look at: %d (`hodan conflicts list`)\n", open)
				}
				return nil
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
	return out
}

func printStatus(w io.Writer, path string, dev *device, st syncengine.Status, rejected []syncengine.RejectedChange, now time.Time) error {
	last := "never"
	if !st.LastSync.IsZero() {
		last = fmt.Sprintf("%s (%s ago)", st.LastSync.Local().Format("2006-01-02 15:04"), now.Sub(st.LastSync).Round(time.Minute))
	}
	fmt.Fprintf(w, "Officer:   %s\nCommunes:  %s\nServer:    %s\nSite id:   %s\nDatabase:  %s\n",
		dev.Officer, strings.Join(dev.Communes, ", "), dev.Server, st.Site, path)
	fmt.Fprintf(w, "Waiting to be sent: %s\nLast sync: %s\n", plural(int(st.Pending), "change"), last)
	if len(rejected) > 0 {
		fmt.Fprintf(w, "Refused by the server: %s\n", plural(len(rejected), "change"))
		for _, r := range rejected {
			fmt.Fprintf(w, "  #%d %s: %s\n", r.Seq, r.Code, r.Message)
		}
	}
	return nil
}

func (a *app) digestCmd() *cobra.Command {
	var commune string
	cmd := &cobra.Command{
		Use:   "digest [--commune CODE]",
		Short: "Print the SHA-256 digest of this laptop's data (of one commune, or all); equal to the server's once both are synced",
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
	cmd.Flags().StringVar(&commune, "commune", "", "only this commune's records")
	return cmd
}

// remoteError marks a failed exchange with the server, for explain.
func remoteError(server string, err error) error {
	return &syncFailure{server: server, err: err}
}

// syncFailure is an error that came of talking to the server.
type syncFailure struct {
	server string
	err    error
}

func (e *syncFailure) Error() string { return e.err.Error() }
func (e *syncFailure) Unwrap() error { return e.err }
