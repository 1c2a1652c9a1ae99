package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/console"
	"hodan/server/registry"
	"hodan/syncengine"
)

func deviceCmd(t tr) *cobra.Command {
	return groupCmd("device", t.T("server.device.short"), deviceListCmd(t), deviceRevokeCmd(t))
}

func deviceListCmd(t tr) *cobra.Command {
	var db, officer string
	var asJSON, ids bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: t.T("server.device.list.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, true, func(r *registry.Registry, d *syncengine.DB) error {
				devices, err := r.Devices(cmd.Context())
				if err != nil {
					return err
				}
				if officer != "" {
					devices = slices.DeleteFunc(devices, func(d registry.Device) bool { return d.Officer != officer })
				}
				if ids { // for scripts: hodan-server device revoke $(hodan-server device list --ids --officer NAME)
					for _, d := range devices {
						fmt.Fprintln(cmd.OutOrStdout(), d.ID)
					}
					return nil
				}
				if asJSON {
					if devices == nil {
						devices = []registry.Device{}
					}
					return printJSON(cmd.OutOrStdout(), devices)
				}
				last, err := d.LastReceipts(cmd.Context(), time.Now().UnixMilli())
				if err != nil {
					return err
				}
				t.printDevices(cmd.OutOrStdout(), devices, last)
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	cmd.Flags().BoolVar(&ids, "ids", false, t.T("server.device.list.flag_ids"))
	cmd.Flags().StringVar(&officer, "officer", "", t.T("server.device.list.flag_officer"))
	return cmd
}

// printDevices lists the devices for people: the officer, the communes
// by name, when it enrolled and last sent its records, and its state;
// its id, which device revoke takes.
func (t tr) printDevices(w io.Writer, devices []registry.Device, last map[syncengine.SiteID]time.Time) {
	if len(devices) == 0 {
		fmt.Fprintln(w, t.T("server.device.none"))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.device.header"))
	for _, d := range devices {
		state := t.T("server.device.active")
		if d.Revoked() {
			state = t.T("server.device.revoked", schema.FormatDay(*d.RevokedAt))
		}
		if d.ForkedFrom != nil {
			// A laptop whose database was an older copy of this device's,
			// or a copy of it used on another laptop (syncengine.Fork).
			state += t.T("server.device.copy", d.ForkedFrom.String(), d.ForkedAt)
		}
		sent := t.T("server.device.never")
		if at, ok := last[d.ID]; ok {
			sent = schema.FormatDayTime(at)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Officer, console.CommuneNames(t.lang, d.Communes), schema.FormatDay(d.EnrolledAt),
			sent, state, d.ID)
	}
	tw.Flush()
}

func deviceRevokeCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.device.revoke.use"),
		Short: t.T("server.device.revoke.short"),
		Long:  t.T("server.device.revoke.long"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, db, false, func(r *registry.Registry, _ *syncengine.DB) error {
				dev, err := r.Revoke(cmd.Context(), args[0])
				switch {
				case errors.Is(err, registry.ErrNoDevice):
					return i18n.Errorf("server.device.error.unknown", args[0])
				case errors.Is(err, registry.ErrAlreadyRevoked):
					return i18n.Errorf("server.device.error.revoked", args[0])
				case err != nil:
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), dev)
				}
				fmt.Fprintln(cmd.OutOrStdout(), t.T("server.device.revoked_now", dev.Officer, console.CommuneNames(t.lang, dev.Communes)))
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// withRegistry opens the server's database at path, which must exist, and
// calls fn with its registry.
func withRegistry(cmd *cobra.Command, path string, readOnly bool, fn func(*registry.Registry, *syncengine.DB) error) error {
	db, err := openExisting(cmd.Context(), path, readOnly)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(registry.New(db, nil), db)
}

// openExisting opens the server database at path, refusing to create a
// file (a PostgreSQL database exists once its URL names one).
func openExisting(ctx context.Context, path string, readOnly bool) (*syncengine.DB, error) {
	if syncengine.IsPostgres(path) {
		return replica.Open(ctx, path, replica.Options{Migrations: serverMigrations(), ReadOnly: readOnly})
	}
	if _, err := os.Stat(path); err != nil {
		return nil, i18n.Errorf("server.error.no_db", path)
	}
	return replica.Open(ctx, path, replica.Options{Migrations: serverMigrations(), ReadOnly: readOnly})
}
