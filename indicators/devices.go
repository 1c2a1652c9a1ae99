package indicators

import (
	"context"
	"slices"
	"strings"
	"time"

	"hodan/reconcile"
	"hodan/server/registry"
	"hodan/syncengine"
)

// SilentAfter is how many days without a sync make a laptop silent.
const SilentAfter = 14

// Device is a laptop enrolled with the server, as its registry has it.
type Device struct {
	ID       syncengine.SiteID
	Officer  string
	Communes []string
	Enrolled time.Time
	Revoked  *time.Time // nil while it may sync
}

// DevicesOf are the devices of a server's registry, as a report lists
// them.
func DevicesOf(devices []registry.Device) []Device {
	out := make([]Device, len(devices))
	for i, d := range devices {
		out[i] = Device{ID: d.ID, Officer: d.Officer, Communes: d.Communes, Enrolled: d.EnrolledAt, Revoked: d.RevokedAt}
	}
	return out
}

// Counters are the counters of a server's database db: those of every
// Counted indicator, for Params.Counters.
func Counters(db *syncengine.DB) map[string]Counter {
	return map[string]Counter{"open_conflicts": OpenConflicts(db), "unsettled": Unsettled(db)}
}

// DeviceStatus is when a laptop last sent the server its records, as of
// the report's instant. The server records a sync when a laptop sends
// changes (the receipt of its batch); a sync that only received sends
// nothing and is not seen.
type DeviceStatus struct {
	Device
	LastSent   *time.Time // its last batch received by then; nil: none yet
	SilentDays int        // whole days since then, or since its enrolment
	Silent     bool       // more than SilentAfter days
}

// enrolledBy reports whether the laptop was enrolled, and not revoked, at
// until (Unix milliseconds).
func (d *Device) enrolledBy(until int64) bool {
	return d.Enrolled.UnixMilli() <= until && (d.Revoked == nil || d.Revoked.UnixMilli() > until)
}

// devices lists the laptops enrolled at the report's instant for one of
// its communes, silent ones first, longest silent first.
func (c *computation) devices(ctx context.Context) error {
	last, err := c.db.LastReceipts(ctx, c.states.until)
	if err != nil {
		return err
	}
	at := time.UnixMilli(c.states.until)
	reported := c.communeCodes()
	for _, d := range c.p.Devices {
		if !d.enrolledBy(c.states.until) || !slices.ContainsFunc(d.Communes, func(s string) bool { _, ok := slices.BinarySearch(reported, s); return ok }) {
			continue
		}
		st := DeviceStatus{Device: d}
		since := d.Enrolled
		if t, ok := last[d.ID]; ok {
			st.LastSent, since = &t, t
		}
		st.SilentDays = int(at.Sub(since) / (24 * time.Hour))
		st.Silent = st.SilentDays > SilentAfter
		c.r.Devices = append(c.r.Devices, st)
	}
	slices.SortStableFunc(c.r.Devices, func(a, b DeviceStatus) int {
		if a.SilentDays != b.SilentDays {
			return b.SilentDays - a.SilentDays
		}
		return strings.Compare(a.Officer, b.Officer)
	})
	return nil
}

// OpenConflicts is the counter of open_conflicts: the conflicts of db
// nobody has resolved, by commune.
func OpenConflicts(db *syncengine.DB) Counter {
	return func(ctx context.Context, communes []string) (map[string]float64, error) {
		found, err := db.Conflicts(ctx, syncengine.ConflictQuery{Scopes: communes})
		if err != nil {
			return nil, err
		}
		out := map[string]float64{}
		for _, c := range found {
			if !c.Resolved {
				out[c.Scope]++
			}
		}
		return out, nil
	}
}

// Unsettled counts, per commune, the records waiting to be settled:
// those reconcile lists as orphans (under a deleted household or village,
// or in a family hidden by a merge into a deleted household).
func Unsettled(db *syncengine.DB) Counter {
	return func(ctx context.Context, communes []string) (map[string]float64, error) {
		found, err := reconcile.Orphans(ctx, db, communes, nil)
		if err != nil {
			return nil, err
		}
		out := map[string]float64{}
		for _, o := range found {
			out[o.Commune]++
		}
		return out, nil
	}
}
