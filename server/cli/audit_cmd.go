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

	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/server/registry"
)

func auditCmd() *cobra.Command {
	return groupCmd("audit", "Export the signed sync log, and verify, replay and read an export offline (see server/audit/FORMAT.md)", auditExportCmd(), auditVerifyCmd(), auditReplayCmd(), auditHistoryCmd(), auditCheckpointCmd(), auditKeyCmd())
}

func auditExportCmd() *cobra.Command {
	var db, out string
	var noCheckpoint, asJSON bool
	cmd := &cobra.Command{
		Use:   "export --db PATH --out FILE",
		Short: "Write the log, the receipts, the device keys and the checkpoints to FILE, one JSON object per line; safe while the server runs",
		Long: `Write the server's sync log to FILE for an auditor: every entry with its
hash, the receipt of every batch (device, officer, time received, the
device's signature), every key a device was enrolled with, and the
server's signed checkpoints. Unless --no-checkpoint, the server first signs
a checkpoint of the log as it stands, so that the whole export is vouched
for. The file is written beside its final name and renamed when complete.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out FILE is required: where to write the export")
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
			fmt.Fprintf(said, "exported %d entries in %d batches, %d device keys, %d checkpoints to %s\nhead %s\n",
				sum.Entries, sum.Batches, sum.Devices, sum.Checkpoints, out, sum.Head)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&out, "out", "", "the file to write (replaced if it exists)")
	cmd.Flags().BoolVar(&noCheckpoint, "no-checkpoint", false, "do not sign a checkpoint first (opens the database read-only)")
	jsonFlag(cmd, &asJSON)
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
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// logSource is where an audit command reads a log from: an export file,
// or a server database exported on the fly (--db).
type logSource struct {
	file, db string
}

func (s *logSource) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.db, "db", "", "read the log from this server database instead of an export file")
}

func (s *logSource) set(args []string) error {
	switch {
	case len(args) == 1 && s.db == "":
		s.file = args[0]
		return nil
	case len(args) == 0 && s.db != "":
		return nil
	}
	return errors.New("give an export file (from `hodan-server audit export`), or --db PATH, not both")
}

// open returns a fresh reader of the log.
func (s *logSource) open(ctx context.Context) (io.ReadCloser, error) {
	if s.file != "" {
		f, err := os.Open(s.file)
		if err != nil {
			return nil, fmt.Errorf("open the export: %w", err)
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
		return nil, fmt.Errorf("--server-key must be the server's public key as `hodan-server audit key` prints it (44 characters of base64), or a file holding it")
	}
	return key, nil
}

func auditVerifyCmd() *cobra.Command {
	var src logSource
	var serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify FILE | --db PATH",
		Short: "Check the chain, the devices' signatures and the server's checkpoints; exit 1 naming the first bad entry",
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
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), rep)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "verified: %d entries in %d batches from %d device keys; %d checkpoints signed by server %s, the last covering %d entries\nhead %s\n",
				rep.Entries, rep.Batches, rep.Devices, rep.Checkpoints, rep.Server, rep.Covered, rep.Head)
			for _, w := range rep.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+w)
			}
			return nil
		},
	}
	src.flags(cmd)
	cmd.Flags().StringVar(&serverKey, "server-key", "", "the server's public key (base64, or a file), obtained from the district: check the checkpoints against it")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func auditOptions(serverKey string) (audit.Options, error) {
	key, err := parseServerKey(serverKey)
	return audit.Options{ServerKey: key}, err
}

func auditReplayCmd() *cobra.Command {
	var until, out, serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "replay FILE [--until TIME] [--out DB]",
		Short: "Rebuild the state from an export alone, as of any instant, and print its digest",
		Long: `Verify the export and merge every entry the server had taken by --until
(all of them without it) into a new database, then print its digest: the
whole log's replay gives the live server's digest (hodan-server digest).
--until is a time in RFC 3339 (2025-10-01T17:00:00+07:00) or a date
(2025-10-01: the end of that day, Vietnam time). With --out the rebuilt
database is kept there (the file must not exist); it is an ordinary Hodan
server database that any SQL tool reads.`,
		Args: cobra.ExactArgs(1),
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
					return fmt.Errorf("replay: %w", err)
				}
				defer os.RemoveAll(dir)
				path = filepath.Join(dir, "replay.db")
			} else if _, err := os.Stat(path); err == nil {
				return fmt.Errorf("--out %s exists: give the name of a new file", path)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open the export: %w", err)
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
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), res)
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Digest)
			fmt.Fprintf(cmd.ErrOrStderr(), "replayed %d of %d entries", res.Applied, res.Applied+res.Skipped)
			if out != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), " into %s", out)
			}
			fmt.Fprintln(cmd.ErrOrStderr())
			return nil
		},
	}
	cmd.Flags().StringVar(&until, "until", "", "replay only what the server had taken by this time")
	cmd.Flags().StringVar(&out, "out", "", "keep the rebuilt database in this new file")
	cmd.Flags().StringVar(&serverKey, "server-key", "", "the server's public key (base64, or a file), obtained from the district")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: {\"digest\": …, \"applied\": …, \"skipped\": …}")
	return cmd
}

// vietnam is the time zone a date without a time is read in.
var vietnam = time.FixedZone("ICT", 7*60*60)

// parseInstant reads --until: RFC 3339, or a date meaning the end of that
// day in Vietnam.
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, vietnam); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Millisecond), nil
	}
	return time.Time{}, fmt.Errorf("--until %q: give a time such as 2025-10-01T17:00:00+07:00, or a date such as 2025-10-01", s)
}

func auditHistoryCmd() *cobra.Command {
	var src logSource
	var household, column, serverKey string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history FILE|--db PATH --household ID [--column NAME]",
		Short: "Every change to a household and its members, visits, support and damage records: when, by whom, what it replaced, conflicts lost",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := src.set(args); err != nil {
				return err
			}
			id, err := uuid.Parse(household)
			if err != nil {
				return fmt.Errorf("--household must be a household id (a UUID, as `hodan household list` shows it)")
			}
			opts, err := auditOptions(serverKey)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			changes, err := audit.History(func() (io.ReadCloser, error) { return src.open(ctx) }, opts,
				audit.HistoryQuery{Household: id, Column: column})
			if err != nil {
				return err
			}
			if asJSON {
				if changes == nil {
					changes = []audit.Change{}
				}
				return printJSON(cmd.OutOrStdout(), changes)
			}
			return writeHistory(cmd.OutOrStdout(), changes)
		},
	}
	src.flags(cmd)
	cmd.Flags().StringVar(&household, "household", "", "the household's id")
	cmd.Flags().StringVar(&column, "column", "", "only this column (e.g. poverty_status)")
	cmd.Flags().StringVar(&serverKey, "server-key", "", "the server's public key (base64, or a file), obtained from the district")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// writeHistory prints a household's history as a table.
func writeHistory(w io.Writer, changes []audit.Change) error {
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, "no change to this household in the log")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WRITTEN (ICT)\tRECEIVED (ICT)\tOFFICER\tDEVICE\tRECORD\tCOLUMN\tVALUE\tREPLACED\tOUTCOME")
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
			column, value = "(row)", "-"
		}
		outcome := c.Outcome
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

func stamp(ms int64) string { return time.UnixMilli(ms).In(vietnam).Format("2006-01-02 15:04:05") }

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

func auditCheckpointCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checkpoint --db PATH",
		Short: "Sign a checkpoint of the log as it stands now (serve signs one every --checkpoint-every)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, false, func(reg *registry.Registry) error {
				cp, err := reg.Checkpoint(cmd.Context(), time.Now())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), cp)
				}
				if cp.Size == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "the log is empty: nothing to sign")
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "checkpoint: %d entries, head %s, signed %s\n", cp.Size, cp.Head, stamp(cp.At))
				return nil
			})
		},
	}
	dbFlag(cmd, &db)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func auditKeyCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "key --db PATH",
		Short: "Print the server's public key (base64), for auditors to pin with --server-key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, false, func(reg *registry.Registry) error {
				key, err := reg.ServerKey(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)))
				return nil
			})
		},
	}
	dbFlag(cmd, &db)
	return cmd
}
