package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/audit"
	"hodan/server/registry"
	"hodan/syncengine"
)

func auditCmd(t tr) *cobra.Command {
	return groupCmd("audit", t.T("server.audit.short"), auditExportCmd(t), auditVerifyCmd(t), auditReplayCmd(t), auditHistoryCmd(t),
		auditCheckpointCmd(t), auditKeyCmd(t))
}

func auditExportCmd(t tr) *cobra.Command {
	var db, out string
	var noCheckpoint, asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.audit.export.use"),
		Short: t.T("server.audit.export.short"),
		Long:  t.T("server.audit.export.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return i18n.Errorf("server.audit.error.no_out")
			}
			ctx := cmd.Context()
			d, err := openExisting(ctx, db, noCheckpoint)
			if err != nil {
				return err
			}
			defer d.Close()
			reg := registry.New(d, nil)
			if !noCheckpoint {
				if _, err := reg.Checkpoint(ctx, time.Now()); err != nil {
					return err
				}
			}
			key, err := reg.PublicServerKey(ctx)
			if err != nil {
				return err
			}
			var sum audit.Summary
			err = writeAtomically(out, cmd.OutOrStdout(), func(w io.Writer) error {
				sum, err = audit.Export(ctx, d, reg, key, w, time.Now())
				return err
			})
			if err != nil {
				return err
			}
			said := cmd.OutOrStdout()
			if out == "-" {
				said = cmd.ErrOrStderr() // standard output holds the export
			}
			if asJSON {
				return printJSON(said, sum)
			}
			fmt.Fprintln(said, t.T("server.audit.exported", sum.Entries, sum.Batches, sum.Devices, sum.Checkpoints, out, sum.Head))
			return nil
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().StringVar(&out, "out", "", t.T("server.audit.flag.out"))
	cmd.Flags().BoolVar(&noCheckpoint, "no-checkpoint", false, t.T("server.audit.flag.no_checkpoint"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// writeAtomically writes a file through fn: to a temporary file beside
// it, renamed over it once complete, so that a failed export leaves no
// half-written file. "-" writes to stdout, the command's standard output.
func writeAtomically(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return i18n.Errorf("server.error.write", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return i18n.Errorf("server.error.write", path, err)
	}
	if err := tmp.Close(); err != nil {
		return i18n.Errorf("server.error.write", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return i18n.Errorf("server.error.write", path, err)
	}
	return nil
}

// logSource is where an audit command reads a log from: an export file,
// or a server database exported on the fly (--db).
type logSource struct {
	file, db string
}

func (s *logSource) flags(t tr, cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.db, "db", "", t.T("server.audit.flag.db"))
}

func (s *logSource) set(args []string) error {
	switch {
	case len(args) == 1 && s.db == "":
		s.file = args[0]
		return nil
	case len(args) == 0 && s.db != "":
		return nil
	}
	return i18n.Errorf("server.audit.error.source")
}

// open returns a fresh reader of the log.
func (s *logSource) open(ctx context.Context) (io.ReadCloser, error) {
	if s.file != "" {
		f, err := os.Open(s.file)
		if err != nil {
			return nil, i18n.Errorf("server.audit.error.open", err)
		}
		return f, nil
	}
	d, err := openExisting(ctx, s.db, true)
	if err != nil {
		return nil, err
	}
	reg := registry.New(d, nil)
	key, err := reg.PublicServerKey(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := audit.Export(ctx, d, reg, key, pw, time.Now())
		d.Close()
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// keyFlag reads --server-key: the server's public key in base64, or a
// file holding it.
func parseServerKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if b, err := os.ReadFile(s); err == nil {
		s = strings.TrimSpace(string(b))
	}
	key, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(key) != 32 {
		return nil, i18n.Errorf("server.audit.error.server_key")
	}
	return key, nil
}

func auditVerifyCmd(t tr) *cobra.Command {
	var src logSource
	var serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.audit.verify.use"),
		Short: t.T("server.audit.verify.short"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := src.set(args); err != nil {
				return err
			}
			opts, err := auditOptions(serverKey)
			if err != nil {
				return err
			}
			r, err := src.open(cmd.Context())
			if err != nil {
				return err
			}
			defer r.Close()
			rep, err := audit.Verify(r, opts)
			if err != nil {
				return badLog(err)
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), rep)
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.T("server.audit.verified", rep.Entries, rep.Batches, rep.Devices, rep.Checkpoints, rep.Server, rep.Covered, rep.Head))
			for _, w := range rep.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.audit.warning", w))
			}
			return nil
		},
	}
	src.flags(t, cmd)
	cmd.Flags().StringVar(&serverKey, "server-key", "", t.T("server.audit.flag.server_key_check"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// badLog is a log that does not verify, said where and what.
func badLog(err error) error {
	var bad *audit.Bad
	switch {
	case errors.As(err, &bad) && bad.Seq != 0:
		return i18n.Errorf("server.audit.error.bad", bad.Line, bad.Seq, bad.What)
	case bad != nil:
		return i18n.Errorf("server.audit.error.bad_line", bad.Line, bad.What)
	}
	return err
}

func auditOptions(serverKey string) (audit.Options, error) {
	key, err := parseServerKey(serverKey)
	return audit.Options{ServerKey: key}, err
}

func auditReplayCmd(t tr) *cobra.Command {
	var until, out, serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.audit.replay.use"),
		Short: t.T("server.audit.replay.short"),
		Long:  t.T("server.audit.replay.long"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opts, err := auditOptions(serverKey)
			if err != nil {
				return err
			}
			var at int64
			if until != "" {
				t, err := parseInstant(until)
				if err != nil {
					return err
				}
				at = t.UnixMilli()
			}
			path := out
			if path == "" {
				dir, err := os.MkdirTemp("", "hodan-replay-")
				if err != nil {
					return i18n.Errorf("server.error.write", os.TempDir(), err)
				}
				defer os.RemoveAll(dir)
				path = filepath.Join(dir, "replay.db")
			} else if _, err := os.Stat(path); err == nil {
				return i18n.Errorf("server.audit.error.out_exists", path)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return i18n.Errorf("server.audit.error.open", err)
			}
			defer f.Close()
			d, err := replica.Open(ctx, path, replica.Options{Migrations: serverMigrations()})
			if err != nil {
				return err
			}
			res, err := audit.Replay(ctx, f, opts, d, at)
			if cerr := d.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				if out != "" {
					os.Remove(out)
				}
				return badLog(err)
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), res)
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Digest)
			if out != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.audit.replayed_into", res.Applied, res.Applied+res.Skipped, out))
			} else {
				fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.audit.replayed", res.Applied, res.Applied+res.Skipped))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&until, "until", "", t.T("server.audit.flag.until"))
	cmd.Flags().StringVar(&out, "out", "", t.T("server.audit.flag.replay_out"))
	cmd.Flags().StringVar(&serverKey, "server-key", "", t.T("server.audit.flag.server_key"))
	cmd.Flags().BoolVar(&asJSON, "json", false, t.T("server.audit.flag.replay_json"))
	return cmd
}

// parseInstant reads --until: RFC 3339, or a date meaning the end of that
// day in Vietnam.
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, schema.Vietnam); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Millisecond), nil
	}
	return time.Time{}, i18n.Errorf("server.audit.error.until", s)
}

func auditHistoryCmd(t tr) *cobra.Command {
	var src logSource
	var household, column, serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.audit.history.use"),
		Short: t.T("server.audit.history.short"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := src.set(args); err != nil {
				return err
			}
			id, err := uuid.Parse(household)
			if err != nil {
				return i18n.Errorf("server.audit.error.household")
			}
			opts, err := auditOptions(serverKey)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			changes, err := audit.History(func() (io.ReadCloser, error) { return src.open(ctx) }, opts,
				audit.HistoryQuery{Household: id, Column: column})
			if err != nil {
				return badLog(err)
			}
			if asJSON {
				if changes == nil {
					changes = []audit.Change{}
				}
				return printJSON(cmd.OutOrStdout(), changes)
			}
			return t.writeHistory(cmd.OutOrStdout(), changes)
		},
	}
	src.flags(t, cmd)
	cmd.Flags().StringVar(&household, "household", "", t.T("server.audit.flag.household"))
	cmd.Flags().StringVar(&column, "column", "", t.T("server.audit.flag.column"))
	cmd.Flags().StringVar(&serverKey, "server-key", "", t.T("server.audit.flag.server_key"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// writeHistory prints a household's history as a table.
func (t tr) writeHistory(w io.Writer, changes []audit.Change) error {
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, t.T("server.audit.history.none"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.audit.history.header"))
	for _, c := range changes {
		received := "-"
		if c.Received != 0 {
			received = stamp(c.Received)
		}
		replaced, value, column := "-", c.Value.String(), c.Column
		if c.Replaced != nil {
			replaced = c.Replaced.String()
		}
		if column == "" {
			column, value = t.T("server.audit.history.row"), "-"
		}
		outcome := t.T("server.audit.outcome." + c.Outcome)
		if c.Over != 0 {
			outcome += fmt.Sprintf(" (#%d)", c.Over)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", stamp(c.Written), received, orDash(c.Officer),
			c.Device.String()[:8], c.Table, shortID(c.Row), column, clip(value), clip(replaced), outcome)
	}
	return tw.Flush()
}

// shortID is the last 8 hex digits of a row id: the random part (the
// first ones of a UUIDv7 are its time, alike for rows made together).
func shortID(id uuid.UUID) string { s := id.String(); return "…" + s[len(s)-8:] }

func stamp(ms int64) string { return schema.FormatMoment(time.UnixMilli(ms)) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip shortens a long value for the table; --json has it whole.
func clip(s string) string {
	s = strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}

func auditCheckpointCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.audit.checkpoint.use"),
		Short: t.T("server.audit.checkpoint.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, false, func(reg *registry.Registry, _ *syncengine.DB) error {
				cp, err := reg.Checkpoint(cmd.Context(), time.Now())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), cp)
				}
				if cp.Size == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), t.T("server.audit.checkpoint.empty"))
					return nil
				}
				fmt.Fprintln(cmd.OutOrStdout(), t.T("server.audit.checkpoint.signed", cp.Size, cp.Head, stamp(cp.At)))
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

func auditKeyCmd(t tr) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   t.T("server.audit.key.use"),
		Short: t.T("server.audit.key.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, false, func(reg *registry.Registry, _ *syncengine.DB) error {
				key, err := reg.ServerKey(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)))
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	return cmd
}
