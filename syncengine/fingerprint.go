package syncengine

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// A site id is never used by two databases. When one is — a laptop's file
// put back from an older copy, or copied onto a second laptop — the server
// holds, under sequence numbers this copy also used or is about to use,
// changes this copy never wrote. Before it pushes, a client checks that
// what the server holds of its site beyond what the server acknowledged to
// this file is its own: the server sends a fingerprint of each such change,
// and the client compares them with its log. Where they part, the copy
// continues under a new site id (fork.go).

// FingerprintSize is how many bytes of a change's hash (Change.Hash) its
// fingerprint keeps: two different changes never share one by chance.
const FingerprintSize = 16

// MaxFingerprints is the most fingerprints one answer carries; the caller
// asks again from the last one.
const MaxFingerprints = 1000

// Fingerprints are the fingerprints of the caller's changes a server holds
// from After+1 on, in sequence order: FingerprintSize bytes each, all zero
// for a number the server holds by its version vector alone. More says
// that the server holds more of them than this answer carries.
type Fingerprints struct {
	After  uint64 `json:"after"`
	Hashes []byte `json:"hashes"`
	More   bool   `json:"more,omitempty"`
}

// ErrDiverged is returned when the server holds, under this site's id,
// changes this replica did not write, or more changes than it wrote: the
// database is an older copy of itself, or a copy used on another laptop.
// Client.Sync never returns it: it continues under a new site id instead
// (see Fork).
var ErrDiverged = errors.New("this laptop's database is an older copy, or a copy used on another laptop: the server holds other changes under its identity")

// divergence says where the server's record of this site parts from this
// replica's log.
type divergence struct {
	at   uint64 // the last sequence number where the two agree
	held uint64 // how far the server holds the site
}

func (d *divergence) Error() string {
	return fmt.Sprintf("%v: the server holds its changes up to #%d, the two agree up to #%d", ErrDiverged, d.held, d.at)
}

func (d *divergence) Unwrap() error { return ErrDiverged }

// Fingerprints returns the fingerprints of site's changes this replica
// holds, in its log or refused and recorded, from after+1 to upto, at most
// MaxFingerprints of them.
func (db *DB) Fingerprints(ctx context.Context, site SiteID, after, upto uint64) (Fingerprints, error) {
	return db.fingerprints(ctx, site, after, upto, MaxFingerprints)
}

// fingerprints is Fingerprints, at most limit of them.
func (db *DB) fingerprints(ctx context.Context, site SiteID, after, upto, limit uint64) (Fingerprints, error) {
	fp := Fingerprints{After: after}
	if upto <= after {
		return fp, nil
	}
	last := min(upto, after+limit)
	fp.More = last < upto
	fp.Hashes = make([]byte, (last-after)*FingerprintSize)
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fp, fmt.Errorf("fingerprints: %w", err)
	}
	defer tx.Rollback()
	origin, err := siteIDIfKnown(ctx, tx, site)
	if err != nil || origin == 0 {
		return fp, err
	}
	changes, err := heldChanges(ctx, tx, db.sites, origin, after, last)
	if err != nil {
		return fp, err
	}
	for i := range changes {
		h := changes[i].Hash()
		copy(fp.Hashes[(changes[i].Seq-after-1)*FingerprintSize:], h[:FingerprintSize])
	}
	return fp, nil
}

// heldChanges reads an origin's changes from after+1 to last: those in the
// log, and those refused and recorded.
func heldChanges(ctx context.Context, tx *sql.Tx, sites *siteCache, origin int64, after, last uint64) ([]Change, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l
		WHERE origin = ? AND origin_seq > ? AND origin_seq <= ?`, origin, after, last)
	if err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	changes, err := scanChangesWith(ctx, tx, sites, rows, nil)
	if err != nil {
		return nil, err
	}
	refused, err := tx.QueryContext(ctx, `SELECT change FROM sync_rejected WHERE origin = ? AND origin_seq > ? AND origin_seq <= ?`,
		origin, after, last)
	if err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	defer refused.Close()
	for refused.Next() {
		var body string
		var c Change
		if err := refused.Scan(&body); err != nil {
			return nil, fmt.Errorf("fingerprints: %w", err)
		}
		if err := unmarshalJSON(body, &c); err != nil {
			return nil, fmt.Errorf("fingerprints: refused change: %w", err)
		}
		if c.Seq > after && c.Seq <= last {
			changes = append(changes, c)
		}
	}
	return changes, refused.Err()
}

// checkOwn makes sure that what the server holds of this site is this
// replica's own, as far as the server acknowledged it to another copy:
// beyond pushed, or, from a server holding less than that (restored from
// an older copy of its own file, then maybe sent another copy's changes),
// from the start. It returns a *divergence where they part.
func (c *Client) checkOwn(ctx context.Context, db *DB, vr VersionsResponse, pushed uint64) error {
	held := vr.Versions[db.Site()]
	if held == pushed || held == 0 {
		return nil
	}
	from := pushed
	if held < pushed {
		from = 0
	}
	at, diverged, err := c.agreement(ctx, db, vr, from)
	if err != nil || !diverged {
		return err
	}
	return &divergence{at: at, held: held}
}

// agreement compares the server's fingerprints of this site's changes
// after from with this replica's log, page by page. It returns the last
// sequence number up to which the two agree, and whether they part after
// it: the server holds a number this replica lacks, or another change under
// it. A server that sends no fingerprints (older than them) is trusted as
// far as this replica wrote.
func (c *Client) agreement(ctx context.Context, db *DB, vr VersionsResponse, from uint64) (uint64, bool, error) {
	site := db.Site()
	held, fp := vr.Versions[site], vr.Verify
	for from < held {
		if fp == nil || fp.After != from {
			var err error
			if vr, err = c.fingerprints(ctx, from); err != nil {
				return 0, false, err
			}
			held, fp = max(held, vr.Versions[site]), vr.Verify
			if fp == nil {
				own, err := db.OwnSeq(ctx)
				return min(held, own), held > own, err
			}
			if held <= from {
				break
			}
		}
		n := uint64(len(fp.Hashes) / FingerprintSize)
		if fp.After != from || len(fp.Hashes)%FingerprintSize != 0 || n == 0 || n > held-from {
			return 0, false, fmt.Errorf("the server sent %d bytes of fingerprints after #%d, holding this device's changes up to #%d", len(fp.Hashes), fp.After, held)
		}
		mine, err := db.Pending(ctx, site, from, int(n))
		if err != nil {
			return 0, false, err
		}
		for i := range n {
			if i >= uint64(len(mine)) || !bytes.Equal(fingerprintOf(&mine[i]), fp.Hashes[i*FingerprintSize:(i+1)*FingerprintSize]) {
				return from + i, true, nil
			}
		}
		from, fp = from+n, nil
	}
	return from, false, nil
}

// fingerprints asks the server for the fingerprints of this site's
// changes after from (and for no refusals before its version).
func (c *Client) fingerprints(ctx context.Context, from uint64) (VersionsResponse, error) {
	var vr VersionsResponse
	after := strconv.FormatUint(from, 10)
	err := c.do(ctx, http.MethodGet, PathVersions+"?rejected_after="+strconv.FormatUint(1<<63-1, 10)+"&verify_after="+after, nil, &vr)
	return vr, err
}

func fingerprintOf(c *Change) []byte {
	h := c.Hash()
	return h[:FingerprintSize]
}
