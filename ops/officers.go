package ops

import (
	"context"
	"database/sql"
	"errors"

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

// RememberOfficers keeps the officers the server named, so that the
// laptop can name them offline.
func RememberOfficers(ctx context.Context, db *syncengine.DB, officers []syncengine.SiteOfficer) error {
	return db.Exec(ctx, func(tx *sql.Tx) error {
		for _, o := range officers {
			if o.Officer == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO client_officers (site, officer) VALUES (?, ?)`, o.Site.String(), o.Officer); err != nil {
				return fail("error.remember_officers", err)
			}
		}
		return nil
	})
}

// learnOfficers keeps the names of the officers whose changes this laptop
// may pull, to name them offline (a conflict's sides, who deleted a
// record): a small answer that costs the server no pass over its log. A
// server older than /v1/officers names them in its conflicts instead.
func learnOfficers(ctx context.Context, client *syncengine.Client, db *syncengine.DB) error {
	officers, err := client.Officers(ctx)
	var remote *syncengine.Error
	if errors.As(err, &remote) && remote.Code == syncengine.CodeNotFound {
		views, cerr := client.Conflicts(ctx)
		officers, err = conflictOfficers(views), cerr
	}
	if err != nil {
		return err
	}
	return RememberOfficers(ctx, db, officers)
}

// conflictOfficers are the officers conflicts name.
func conflictOfficers(views []syncengine.ConflictView) []syncengine.SiteOfficer {
	var out []syncengine.SiteOfficer
	for _, v := range views {
		for _, x := range v.Values {
			out = append(out, syncengine.SiteOfficer{Site: x.Site, Officer: x.Officer})
		}
	}
	return out
}
