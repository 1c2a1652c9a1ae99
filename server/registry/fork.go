package registry

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"hodan/syncengine"
)

// ErrSiteKnown refuses a fork to a site id the server knows already.
var ErrSiteKnown = errors.New("this new site id is known to the server already: make another and ask again")

// Fork enrolls site, with key, as a copy of the device parent: a laptop
// whose database turned out to be an older copy of parent's, or a copy of
// it used on another laptop, continues under site (see syncengine.Fork).
// The copy gets parent's officer and communes, its own key and a new
// token, returned once; parent stays enrolled, for the other copy may
// still be in use. at is the last of parent's changes the copy shares.
// logged says whether the server's log knows site already: a site id that
// any device, key or change ever used is refused with ErrSiteKnown. Asked
// again by the same parent for the same site with the same key (the laptop
// died before it saved the answer), Fork gives the site a fresh token, as
// long as it has pushed nothing; the first stays valid: the file may have
// been copied with its fork under way, and the copies, under one site id
// again, part at their next syncs like any other copies.
func (r *Registry) Fork(ctx context.Context, parent Device, site syncengine.SiteID, key ed25519.PublicKey, at uint64, logged bool) (string, Device, error) {
	if len(key) != ed25519.PublicKeySize {
		return "", Device{}, ErrNoKey
	}
	token, err := newToken()
	if err != nil {
		return "", Device{}, err
	}
	now := r.now()
	from := parent.ID
	dev := Device{ID: site, Officer: parent.Officer, Communes: parent.Communes, EnrolledAt: now, PublicKey: key,
		ForkedFrom: &from, ForkedAt: at}
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		again, err := forkedBefore(ctx, tx, parent.ID, site, key)
		switch {
		case err != nil:
			return err
		case again && !logged:
			_, err = tx.ExecContext(ctx, `INSERT INTO server_fork_tokens (token_hash, device) VALUES (?, ?)`, hash(token), site.String())
			return err
		case again || logged || site == parent.ID || site == (syncengine.SiteID{}):
			return ErrSiteKnown
		}
		communes, err := json.Marshal(dev.Communes)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_devices (id, token_hash, officer, communes, enrolled_at, public_key, forked_from, forked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			site.String(), hash(token), dev.Officer, string(communes), now.UnixMilli(), []byte(key), parent.ID.String(), at)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_device_keys (device, public_key, officer, enrolled_at) VALUES (?, ?, ?, ?)`,
			site.String(), []byte(key), dev.Officer, now.UnixMilli())
		return err
	})
	if err != nil {
		return "", Device{}, fmt.Errorf("fork: %w", err)
	}
	return token, dev, nil
}

// forkedBefore reports whether site was enrolled by a fork of parent with
// key, and is live. It fails with ErrSiteKnown if a device or key of that
// id exists otherwise.
func forkedBefore(ctx context.Context, tx *sql.Tx, parent, site syncengine.SiteID, key ed25519.PublicKey) (bool, error) {
	var forkedFrom sql.NullString
	var known []byte
	var revoked sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT forked_from, public_key, revoked_at FROM server_devices WHERE id = ?`, site.String()).
		Scan(&forkedFrom, &known, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		var keys int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM server_device_keys WHERE device = ?`, site.String()).Scan(&keys)
		if err == nil && keys > 0 {
			err = ErrSiteKnown
		}
		return false, err
	}
	if err != nil {
		return false, err
	}
	if forkedFrom.String != parent.String() || !bytes.Equal(known, key) || revoked.Valid {
		return false, ErrSiteKnown
	}
	return true, nil
}
