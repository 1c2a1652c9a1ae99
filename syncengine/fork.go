package syncengine

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Fork is what a replica did when a sync found its database to be an older
// copy of itself, or a copy used on another laptop: the server held, under
// its site id, changes it did not write. It continued under a new site id,
// To: its own changes after At, the last both copies share, moved to To as
// its changes 1 to Moved, with their stamps and values, and everything
// written on either copy reaches the server.
type Fork struct {
	From       SiteID    `json:"from"`
	At         uint64    `json:"at"`
	To         SiteID    `json:"to"`
	Moved      int       `json:"moved"`
	ServerHeld uint64    `json:"server_held"` // how far the server held From: ServerHeld-At changes came from the other copy
	When       time.Time `json:"when"`
}

// The fork, step by step. The laptop makes the new site id and its key and
// keeps them (the intent) before it asks the server to enroll them, so that
// a laptop that dies after the server answered asks again for the same
// site, and the server, which has seen nothing pushed under it yet, gives
// it a fresh token. Then one local transaction moves the copy's changes to
// the new site and saves the new token and key (Client.OnFork). A pull then
// brings the other copy's changes, which the old site's pulls left out.

// metaForkIntent is the key of sync_meta that holds the new site id and
// key of a fork under way.
const metaForkIntent = "fork_intent"

// forkIntent is a fork under way: the new site id and key a copy of From
// asked the server to enroll.
type forkIntent struct {
	From SiteID             `json:"from"`
	To   SiteID             `json:"to"`
	Key  ed25519.PrivateKey `json:"key"`
}

// ownVersions is versions for a push: when the server's record of this
// site is another copy's, this replica continues under a new site id
// (res.Fork) and asks again.
func (c *Client) ownVersions(ctx context.Context, db *DB, res *SyncResult) (VersionsResponse, error) {
	for attempt := 1; ; attempt++ {
		vr, err := c.versions(ctx, db)
		var div *divergence
		if !errors.As(err, &div) || attempt == 3 {
			return vr, err
		}
		f, err := c.fork(ctx, db, div)
		if isCode(err, CodeNoDivergence) {
			continue // the server lost what parted (restored from an older copy meanwhile): look again
		}
		if err != nil {
			return vr, fmt.Errorf("continue under a new identity: %w", err)
		}
		res.Fork = &f
	}
}

// fork enrolls a new site id for this replica with the server and moves
// the replica to it (see Fork).
func (c *Client) fork(ctx context.Context, db *DB, div *divergence) (Fork, error) {
	from := db.Site()
	intent, reused, err := db.forkIntent(ctx)
	if err != nil {
		return Fork{}, err
	}
	fr, err := c.askFork(ctx, intent, div.at)
	if isCode(err, CodeSiteKnown) && reused {
		// The site id of an earlier attempt is in use: this file is an
		// older copy of one that forked with it. Take another.
		if intent, err = db.newForkIntent(ctx); err != nil {
			return Fork{}, err
		}
		fr, err = c.askFork(ctx, intent, div.at)
	}
	if err != nil {
		return Fork{}, err
	}
	f := Fork{From: from, At: div.at, To: intent.To, ServerHeld: fr.Held}
	f, err = db.Resite(ctx, f, fr.Logged, func(tx *sql.Tx) error {
		if c.OnFork == nil {
			return nil
		}
		return c.OnFork(ctx, tx, fr.Token, intent.Key)
	})
	if err != nil {
		return Fork{}, err
	}
	c.Token, c.Key = fr.Token, intent.Key
	return f, nil
}

func (c *Client) askFork(ctx context.Context, intent forkIntent, at uint64) (ForkResponse, error) {
	var fr ForkResponse
	req := ForkRequest{Site: intent.To, PublicKey: intent.Key.Public().(ed25519.PublicKey), At: at}
	err := c.do(ctx, http.MethodPost, PathFork, req, &fr)
	if err == nil && fr.Token == "" {
		err = errors.New("the server's answer to the fork holds no token")
	}
	return fr, err
}

// forkIntent returns the fork under way from this site, if a sync made one
// and died before it ended (reused), or a new one, kept.
func (db *DB) forkIntent(ctx context.Context) (forkIntent, bool, error) {
	var raw string
	err := getMeta(ctx, db.r, metaForkIntent, &raw)
	if err != nil && !errors.Is(err, errNoMeta) {
		return forkIntent{}, false, err
	}
	var intent forkIntent
	if err == nil {
		if err := unmarshalJSON(raw, &intent); err != nil {
			return forkIntent{}, false, fmt.Errorf("fork under way: %w", err)
		}
		if intent.From == db.Site() && len(intent.Key) == ed25519.PrivateKeySize {
			return intent, true, nil
		}
	}
	intent, err = db.newForkIntent(ctx)
	return intent, false, err
}

// newForkIntent makes a new site id and key for this site's fork, and
// keeps them.
func (db *DB) newForkIntent(ctx context.Context) (forkIntent, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return forkIntent{}, fmt.Errorf("new signing key: %w", err)
	}
	intent := forkIntent{From: db.Site(), To: uuid.New(), Key: key}
	err = db.Exec(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaForkIntent, mustJSON(intent)) })
	return intent, err
}

// catchUp makes sure, after a pull, that this replica holds what the
// server logged of its old site when it forked: the other copy's changes,
// which its pulls used to leave out as its own. A pull cursor that had
// already passed some of them (a pull between the other copy's push and
// this one's fork) is set back to the start, and the replica catches up in
// full: merging what it holds already changes nothing. The cursor is set
// back once, with the check: a catch-up cut short goes on from where it
// stopped at the next pull.
func (c *Client) catchUp(ctx context.Context, db *DB, res *SyncResult) error {
	rewound, err := db.checkForks(ctx)
	if err != nil || !rewound {
		return err
	}
	return c.pull(ctx, db, res, nil)
}

// isCode reports whether err is the server's refusal with code.
func isCode(err error, code string) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Code == code
}

// Logged counts site's changes from after+1 to upto in the log: for a
// server, how many of them a pull of the site's scopes brings.
func (db *DB) Logged(ctx context.Context, site SiteID, after, upto uint64) (uint64, error) {
	var n uint64
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sync_log
		WHERE origin = (SELECT id FROM sync_sites WHERE site = ?) AND origin_seq > ? AND origin_seq <= ?`, site[:], after, upto).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count logged changes: %w", err)
	}
	return n, nil
}

// KnowsSite reports whether this replica has ever seen site: a change of
// it, held or refused, or a version of it.
func (db *DB) KnowsSite(ctx context.Context, site SiteID) (bool, error) {
	id, err := siteIDIfKnown(ctx, db.r, site)
	return id != 0, err
}
