package console

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"hodan/server/accounts"
	"hodan/server/registry"
	"hodan/syncengine"
)

// SilentAfter is how long a laptop may send nothing before the overview
// counts it as silent.
const SilentAfter = 14 * 24 * time.Hour

// laptop is an enrolled device as the console shows it.
type laptop struct {
	registry.Device
	// LastSync is when the server last received a batch of changes
	// from it (zero: never). A sync that only pulls leaves no trace.
	LastSync time.Time
	// Refusals counts its records (rows) with changes the server refused
	// and has not taken since: the officer must fix them on the laptop.
	Refusals int
	// Yours: the operator sees every one of its communes, and may act
	// on it.
	Yours bool
}

// Silent reports whether the laptop is live and sent nothing for
// SilentAfter (since it enrolled, if it never did), at now.
func (l *laptop) Silent(now time.Time) bool {
	last := l.LastSync
	if last.IsZero() {
		last = l.EnrolledAt
	}
	return !l.Revoked() && now.Sub(last) > SilentAfter
}

// laptopsOf lists the laptops enrolled for a commune u sees, newest first.
func (c *Console) laptopsOf(ctx context.Context, u *accounts.User) ([]laptop, error) {
	devices, err := c.cfg.Registry.Devices(ctx)
	if err != nil {
		return nil, err
	}
	last, err := c.lastBatches(ctx)
	if err != nil {
		return nil, err
	}
	refused, err := c.pendingRefusals(ctx)
	if err != nil {
		return nil, err
	}
	var out []laptop
	for _, d := range slices.Backward(devices) {
		if !slices.ContainsFunc(d.Communes, u.Sees) {
			continue
		}
		out = append(out, laptop{Device: d, LastSync: last[d.ID], Refusals: refused[d.ID], Yours: u.SeesAll(d.Communes)})
	}
	return out, nil
}

// lastBatches maps each device to when its last batch arrived.
func (c *Console) lastBatches(ctx context.Context) (map[syncengine.SiteID]time.Time, error) {
	rows, err := c.cfg.DB.SQL().QueryContext(ctx, `SELECT device, max(received) FROM sync_batches GROUP BY device`)
	if err != nil {
		return nil, fmt.Errorf("read the batches received: %w", err)
	}
	defer rows.Close()
	out := map[syncengine.SiteID]time.Time{}
	for rows.Next() {
		var site []byte
		var at int64
		if err := rows.Scan(&site, &at); err != nil {
			return nil, fmt.Errorf("read the batches received: %w", err)
		}
		out[syncengine.SiteID(site)] = time.UnixMilli(at)
	}
	return out, rows.Err()
}

// pendingRefusals counts, per device, the records with changes the
// server refused and holds no accepted version of: a household refused
// whole is one, not one per field. The records are told apart in Go, from
// each refused change's table and row: the same on both stores.
func (c *Console) pendingRefusals(ctx context.Context) (map[syncengine.SiteID]int, error) {
	rows, err := c.cfg.DB.SQL().QueryContext(ctx, `SELECT s.site, r.change
		FROM sync_rejected r JOIN sync_sites s ON s.id = r.origin
		WHERE NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.origin = r.origin AND l.origin_seq = r.origin_seq)`)
	if err != nil {
		return nil, fmt.Errorf("read the refused changes: %w", err)
	}
	defer rows.Close()
	type record struct{ Table, Row string }
	records := map[syncengine.SiteID]map[record]bool{}
	for rows.Next() {
		var site []byte
		var change string
		if err := rows.Scan(&site, &change); err != nil {
			return nil, fmt.Errorf("read the refused changes: %w", err)
		}
		var r struct {
			Table string `json:"t"`
			Row   string `json:"r"`
		}
		if err := json.Unmarshal([]byte(change), &r); err != nil {
			return nil, fmt.Errorf("read the refused changes: %w", err)
		}
		id := syncengine.SiteID(site)
		if records[id] == nil {
			records[id] = map[record]bool{}
		}
		records[id][record{r.Table, r.Row}] = true
	}
	out := map[syncengine.SiteID]int{}
	for id, recs := range records {
		out[id] = len(recs)
	}
	return out, rows.Err()
}
