package ops

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// Namer names the officer who wrote from a site; "" when unknown. A
// laptop names the officers its server told it of (DeviceOfficers); the
// server, those of its enrolled devices.
type Namer func(syncengine.SiteID) string

// DeviceOfficers names the officers a laptop knows: its own, and those of
// other devices its server named at a sync (RememberOfficers).
func DeviceOfficers(ctx context.Context, db *syncengine.DB, dev *Device) (Namer, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT site, officer FROM client_officers`)
	if err != nil {
		return nil, fail("error.read_officers", err)
	}
	defer rows.Close()
	officers := map[syncengine.SiteID]string{}
	for rows.Next() {
		var site, officer string
		if err := rows.Scan(&site, &officer); err != nil {
			return nil, fail("error.read_officers", err)
		}
		if id, err := uuid.Parse(site); err == nil {
			officers[id] = officer
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fail("error.read_officers", err)
	}
	officers[db.Site()] = dev.Officer
	return func(s syncengine.SiteID) string { return officers[s] }, nil
}

// RememberOfficers keeps the officers the server named in its conflicts,
// so that the laptop can name them offline.
func RememberOfficers(ctx context.Context, db *syncengine.DB, views []syncengine.ConflictView) error {
	return db.Exec(ctx, func(tx *sql.Tx) error {
		for _, v := range views {
			for _, x := range v.Values {
				if x.Officer == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO client_officers (site, officer) VALUES (?, ?)`, x.Site.String(), x.Officer); err != nil {
					return fail("error.remember_officers", err)
				}
			}
		}
		return nil
	})
}
