package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

func deviceCmd() *cobra.Command {
	return groupCmd("device", "List the enrolled devices, or revoke one", deviceListCmd(), deviceRevokeCmd())
}

func deviceListCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the devices enrolled with this server, revoked ones included",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, db, true, func(r *registry.Registry) error {
				devices, err := r.Devices(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if devices == nil {
						devices = []registry.Device{}
					}
					return printJSON(cmd.OutOrStdout(), devices)
				}
				printDevices(cmd.OutOrStdout(), devices)
				return nil
			})
		},
	}
	dbFlag(cmd, &db)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func printDevices(w io.Writer, devices []registry.Device) {
	if len(devices) == 0 {
		fmt.Fprintln(w, "No device is enrolled yet: make a code with `hodan-server enroll`.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tOFFICER\tCOMMUNES\tENROLLED\tSTATE")
	for _, d := range devices {
		state := "active"
		if d.Revoked() {
			state = "revoked " + shownTime(*d.RevokedAt)
		}
		if d.ForkedFrom != nil {
			// A laptop whose database was an older copy of this device's,
			// or a copy of it used on another laptop (syncengine.Fork).
			state += fmt.Sprintf(", copy of %s (sharing its changes up to #%d)", d.ForkedFrom, d.ForkedAt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.Officer, strings.Join(d.Communes, ","), shownTime(d.EnrolledAt), state)
	}
	tw.Flush()
}

func deviceRevokeCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a device (lost laptop, departed officer): its token stops working at once",
		Long: `Revoke a device: its next request is refused, and the officer is told to
enroll again. What it synced before stays. ID is the device id that
` + "`hodan-server device list`" + ` shows, or its first characters if they are
unique. A running server sees the revocation at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, db, false, func(r *registry.Registry) error {
				dev, err := r.Revoke(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), dev)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Revoked device %s of %s (communes %s).\nTo let the laptop sync again, make a new code with `hodan-server enroll` and run `hodan init` on it.\n",
					dev.ID, dev.Officer, strings.Join(dev.Communes, ", "))
				return nil
			})
		},
	}
	dbFlag(cmd, &db)
	jsonFlag(cmd, &asJSON)
	return cmd
}

// withRegistry opens the server's database at path, which must exist, and
// calls fn with its registry.
func withRegistry(cmd *cobra.Command, path string, readOnly bool, fn func(*registry.Registry) error) error {
	db, err := openExisting(cmd.Context(), path, readOnly)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(registry.New(db, nil))
}

// openExisting opens the server database at path, refusing to create one.
func openExisting(ctx context.Context, path string, readOnly bool) (*syncengine.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no server database at %s: name the server's file with --db (%w)", path, err)
	}
	return replica.Open(ctx, path, replica.Options{Migrations: serverMigrations(), ReadOnly: readOnly})
}
