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

func clockCmd(t tr, getenv func(string) string) *cobra.Command {
	return groupCmd("clock", t.T("server.clock.short"), clockFutureCmd(t, getenv))
}

func clockFutureCmd(t tr, getenv func(string) string) *cobra.Command {
	var db string
	var skew time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "future",
		Short: t.T("server.clock.future.short"),
		Long:  t.T("server.clock.future.long"),
		Args:  cobra.NoArgs,
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
			t.printFuture(cmd.OutOrStdout(), found, now(), skew)
			return nil
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().DurationVar(&skew, "max-clock-skew", httpd.DefaultMaxClockSkew, t.T("server.clock.flag.max_clock_skew"))
	jsonFlag(t, cmd, &asJSON)
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

// printFuture writes the changes as a table, with what they do and what
// to do: who sent each, whose record, which field, when it is stamped and
// when it was received.
func (t tr) printFuture(w io.Writer, found []futureChange, now time.Time, skew time.Duration) {
	if len(found) == 0 {
		fmt.Fprintln(w, t.T("server.clock.none", skew.String(), schema.FormatDayTime(now)))
		return
	}
	fmt.Fprintln(w, t.T("server.clock.found", len(found), skew.String(), schema.FormatDayTime(now)))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.clock.header"))
	for _, fc := range found {
		record, field := fc.Table, t.T("server.clock.whole_record")
		if table, ok := schema.TableByName(fc.Table); ok {
			record = t.T("noun." + table.Noun)
		}
		if fc.Column != "" {
			field = t.T("column."+fc.Table+"."+fc.Column) + " (" + fc.Column + ")"
		}
		officer := fc.Officer
		if fc.Device == "" {
			officer = t.T("server.clock.this_server")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", officer, fc.Head, record, field, schema.FormatDayTime(fc.Stamped), schema.FormatDayTime(fc.Received))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.T("server.clock.what_to_do"))
}
