package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/httpd"
	"hodan/syncengine"
)

func clockCmd(getenv func(string) string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Changes stamped by clocks that ran ahead",
	}
	cmd.AddCommand(clockFutureCmd(getenv))
	return cmd
}

func clockFutureCmd(getenv func(string) string) *cobra.Command {
	var db string
	var skew time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "future",
		Short: "List the changes stamped later than this server's clock plus --max-clock-skew; safe while the server runs",
		Long: `List the changes this server holds stamped later than its clock plus
--max-clock-skew: changes it accepted while its own clock ran ahead, from
laptops whose clocks ran as far ahead. For each: the officer and device that
sent it, the record (and its household's head), the field, when it is
stamped and when it was received.

They block nobody: laptops whose clocks are right go on writing and syncing,
and an edit of such a field wins over it. What they still do: each wins
against writes of its field made without seeing it, until its stamp comes;
those show as conflicts (hodan-server conflicts list), which an edit of the
field or ` + "`hodan conflicts resolve`" + ` on a laptop settles.

Run it with the server's clock right: with the clock still ahead nothing is
listed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := replica.ClockFromEnv(getenv)
			if err != nil {
				return err
			}
			if now == nil {
				now = time.Now
			}
			found, err := futureChanges(cmd.Context(), db, now().Add(skew))
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), found)
			}
			printFuture(cmd.OutOrStdout(), found, now(), skew)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().DurationVar(&skew, "max-clock-skew", httpd.DefaultMaxClockSkew, "list changes stamped later than this server's clock plus this (as hodan-server serve takes it)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// futureChange is a change stamped past the server's clock, as the
// operator reads it.
type futureChange struct {
	Officer   string    `json:"officer"`
	Device    string    `json:"device"` // "" for a change written on this server
	Table     string    `json:"table"`
	RowID     string    `json:"row_id"`
	Household string    `json:"household_id,omitempty"`
	Head      string    `json:"household_head,omitempty"` // its head's name, as it is now
	Column    string    `json:"column"`                   // "" for the record's creation or deletion
	Stamped   time.Time `json:"stamped"`
	Received  time.Time `json:"received,omitzero"`
}

// futureChanges reads the changes stamped after horizon from the server's
// database at path.
func futureChanges(ctx context.Context, path string, horizon time.Time) ([]futureChange, error) {
	db, err := openExisting(ctx, path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	entries, err := db.StampedAfter(ctx, syncengine.MakeHLC(horizon.UnixMilli(), math.MaxUint16))
	if err != nil {
		return nil, err
	}
	out := []futureChange{}
	for _, e := range entries {
		fc, err := describeFuture(ctx, db, e)
		if err != nil {
			return nil, err
		}
		out = append(out, fc)
	}
	return out, nil
}

// describeFuture names who sent a change, its record and its household.
func describeFuture(ctx context.Context, db *syncengine.DB, e syncengine.AuditEntry) (futureChange, error) {
	c := e.Change
	fc := futureChange{Officer: "(this server)", Table: c.Table, RowID: c.Row.String(), Column: c.Column, Stamped: c.HLC.Time()}
	if e.Batch != 0 {
		r, err := db.Receipt(ctx, e.Batch)
		if err != nil {
			return fc, err
		}
		fc.Officer, fc.Device, fc.Received = r.Officer, r.Device.String(), time.UnixMilli(r.Received).UTC()
	}
	var err error
	fc.Household, fc.Head, err = householdOf(ctx, db, c.Table, c.Row)
	return fc, err
}

// householdOf returns the id and head's name of the household a live row
// is, or belongs to; empty for a row of no household (a village), or one
// deleted since.
func householdOf(ctx context.Context, db *syncengine.DB, table string, id syncengine.RowID) (string, string, error) {
	t, ok := schema.TableByName(table)
	for ok && t.Name != "households" && t.ParentTable != "" {
		var parent string
		q := fmt.Sprintf(`SELECT coalesce("%s", '') FROM "%s" WHERE id = ?`, t.ParentColumn, t.Name) // names of the schema
		if err := db.SQL().QueryRowContext(ctx, q, id.String()).Scan(&parent); err != nil {
			return "", "", notFound(err)
		}
		var err error
		if id, err = uuid.Parse(parent); err != nil {
			return "", "", nil
		}
		t, ok = schema.TableByName(t.ParentTable)
	}
	if !ok || t.Name != "households" {
		return "", "", nil
	}
	var head string
	err := db.SQL().QueryRowContext(ctx, `SELECT coalesce(head_name, '') FROM households WHERE id = ?`, id.String()).Scan(&head)
	if err != nil {
		return "", "", notFound(err)
	}
	return id.String(), head, nil
}

// notFound is nil for a row that is not there, and err otherwise.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// printFuture writes the changes as a table, with what they do and what to
// do, in English with a Vietnamese line.
func printFuture(w io.Writer, found []futureChange, now time.Time, skew time.Duration) {
	const day, minute = schema.DateLayout, schema.DateTimeLayout
	if len(found) == 0 {
		fmt.Fprintf(w, "No change is stamped later than this server's clock plus %s (%s).\n", skew, now.Local().Format(minute))
		fmt.Fprintln(w, "Không có thay đổi nào mang giờ sau giờ của máy chủ.")
		return
	}
	fmt.Fprintf(w, "%d changes are stamped later than this server's clock plus %s (%s):\n\n", len(found), skew, now.Local().Format(minute))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OFFICER\tDEVICE\tRECORD\tHOUSEHOLD\tFIELD\tSTAMPED\tRECEIVED")
	for _, fc := range found {
		device, received, field := "", "", fc.Column
		if fc.Device != "" {
			device, received = fc.Device[:8], fc.Received.Local().Format(day)
		}
		if field == "" {
			field = "(the record itself)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", fc.Officer, device, fc.Table, fc.RowID[:8], fc.Head, field, fc.Stamped.Local().Format(minute), received)
	}
	tw.Flush()
	fmt.Fprint(w, `
They block nobody: laptops whose clocks are right go on writing and syncing,
and an edit of one of these fields is stamped just after it, and wins.
What they still do: each wins against writes of its field made without
seeing it, until its stamp comes; those show as conflicts (hodan-server
conflicts list). To settle one, edit the field on a laptop of its commune,
or use hodan conflicts resolve there. Keep this server's clock right.
Các thay đổi này không chặn máy nào; sửa lại trường đó trên máy của xã
(hoặc hodan conflicts resolve) để giải quyết xung đột.
`)
}
