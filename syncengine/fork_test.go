package syncengine

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"testing"
)

// The client's side of forks, against the simulation's server on a sound
// network: detection in versions, and a fork that a laptop dies in.

// simQuiet is a simulated district on a sound network, and its first
// device.
func simQuiet(t *testing.T) (*simWorld, *simReplica) {
	t.Helper()
	w := newSimWorld(t, 7)
	w.net.faulty = false
	return w, w.devices[0]
}

// simHouseholds records n households on d, each a few changes.
func simHouseholds(t testing.TB, d *simReplica, n int) {
	t.Helper()
	mustWrite(t, d.db, func(tx *Tx) error {
		for i := range n {
			if _, err := tx.Insert("sim_households", map[string]any{"commune": d.scopes[0], "head": fmt.Sprintf("Hộ %d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *simWorld) mustSync(d *simReplica) SyncResult {
	w.t.Helper()
	res, err := d.client.Sync(w.ctx, d.db)
	if err != nil {
		w.t.Fatalf("sync %s: %v", d.name, err)
	}
	return res
}

// record records n households on d and syncs it.
func (w *simWorld) record(d *simReplica, n int) {
	w.t.Helper()
	simHouseholds(w.t, d, n)
	w.mustSync(d)
}

// pushUnheard gives the server d's changes after its version, as a push
// whose answer never came back: d does not record it.
func (w *simWorld) pushUnheard(d *simReplica) {
	w.t.Helper()
	vv, err := w.server.db.Versions(w.ctx, d.db.Site())
	if err != nil {
		w.t.Fatal(err)
	}
	pending, err := d.db.Pending(w.ctx, d.db.Site(), vv[d.db.Site()], 1<<20)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.server.db.ApplyPush(w.ctx, pending, simVetter(d, w.horizon(w.server))); err != nil {
		w.t.Fatal(err)
	}
}

// TestVersionsTellsALostAnswerFromACopy: what the server holds beyond what
// it acknowledged to this file is either the file's own (an answer lost:
// recorded as acknowledged), or another copy's (a divergence, where they
// part), or more than the file wrote (behind). A server restored from an
// older copy of its own file is checked from the start.
func TestVersionsTellsALostAnswerFromACopy(t *testing.T) {
	type want struct {
		diverged bool
		at       uint64 // where they part
		pushed   uint64 // recorded as acknowledged, if not diverged
	}
	tests := []struct {
		name  string
		setup func(w *simWorld, d *simReplica) *simReplica // returns the replica to ask as
		want  func(own uint64) want
	}{
		{"nothing new", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 2)
			return d
		}, func(own uint64) want { return want{pushed: own} }},
		{"an answer lost, over several pages of fingerprints", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			simHouseholds(t, d, 3)
			w.pushUnheard(d)
			return d
		}, func(own uint64) want { return want{pushed: own} }},
		{"a copy that wrote other changes", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			c := w.cloneOf(d)
			w.record(d, 2)
			simHouseholds(t, c, 2)
			return c
		}, func(own uint64) want { return want{diverged: true, at: own - 6} }},
		{"a copy behind, that wrote nothing", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			c := w.cloneOf(d)
			w.record(d, 1)
			return c
		}, func(own uint64) want { return want{diverged: true, at: own} }},
		{"a copy that shares an unheard push, then parts", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			simHouseholds(t, d, 1)
			w.pushUnheard(d)
			c := w.cloneOf(d)
			w.record(d, 1)
			simHouseholds(t, c, 1)
			return c
		}, func(own uint64) want { return want{diverged: true, at: own - 3} }},
		{"a server restored, holding less than it acknowledged", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			w.backupServer()
			w.record(d, 2)
			w.restoreServer()
			return d
		}, func(own uint64) want { return want{pushed: own} }}, // pushed stays: the push sends again
		{"a server restored, then sent another copy's changes", func(w *simWorld, d *simReplica) *simReplica {
			w.record(d, 1)
			c := w.cloneOf(d)
			w.backupServer()
			w.record(d, 2)
			w.restoreServer()
			w.record(c, 1)
			return d
		}, func(own uint64) want { return want{diverged: true, at: own - 6} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, d := simQuiet(t)
			asker := tt.setup(w, d)
			own, err := asker.db.OwnSeq(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, asker.db)
			_, err = asker.client.versions(w.ctx, asker.db)
			var div *divergence
			got := want{diverged: errors.As(err, &div)}
			if err != nil && !got.diverged {
				t.Fatalf("versions: %v", err)
			}
			if got.diverged {
				got.at = div.at
				if after := snapshot(t, asker.db); after != before {
					t.Fatal("finding a divergence changed the replica")
				}
			} else if got.pushed, err = asker.db.pushedSeq(w.ctx); err != nil {
				t.Fatal(err)
			}
			if w := tt.want(own); got != w {
				t.Fatalf("versions of a replica that wrote %d: %+v, want %+v (err %v)", own, got, w, err)
			}
		})
	}
}

// cloneOf copies d's file onto a new laptop with its enrollment, as the
// simulation does.
func (w *simWorld) cloneOf(d *simReplica) *simReplica {
	w.cloneDevice(d)
	return w.devices[len(w.devices)-1]
}

// TestForkSurvivesACrashAfterTheServerAnswered: a copy's laptop dies after
// the server enrolled its new site but before its own transaction
// committed. Its next sync asks again for the same site (kept with its key
// before the first request) and gets a fresh token; nothing is moved
// twice, nothing lost. The other copy of the file, had it been taken with
// the fork under way, gets its own site once that one pushed.
func TestForkSurvivesACrashAfterTheServerAnswered(t *testing.T) {
	w, d := simQuiet(t)
	w.record(d, 1)
	c := w.cloneOf(d)
	w.record(d, 1)
	simHouseholds(t, c, 2)
	crashed := errors.New("the laptop died")
	c.client.OnFork = func(context.Context, *sql.Tx, string, ed25519.PrivateKey) error { return crashed }
	if _, err := c.client.Sync(w.ctx, c.db); !errors.Is(err, crashed) {
		t.Fatalf("sync that died in the fork: %v", err)
	}
	intent, reused, err := c.db.forkIntent(w.ctx)
	if err != nil || !reused {
		t.Fatalf("the fork under way was not kept: %+v %v %v", intent, reused, err)
	}
	if c.db.Site() != d.db.Site() || w.tokensOf(intent.To) != 1 {
		t.Fatalf("after the crash the copy is site %s; the server gave its new site %d tokens", c.db.Site(), w.tokensOf(intent.To))
	}
	w.backupDevice(c) // a copy of the file with its fork under way

	var saved string
	c.client.OnFork = func(_ context.Context, _ *sql.Tx, token string, _ ed25519.PrivateKey) error {
		saved = token
		return nil
	}
	res := w.mustSync(c)
	if res.Fork == nil || res.Fork.To != intent.To || c.db.Site() != intent.To || saved == "" || saved != c.client.Token {
		t.Fatalf("the second sync: %+v, fork %+v; site %s, want the kept %s", res, res.Fork, c.db.Site(), intent.To)
	}
	if res.Pushed != res.Fork.Moved || res.Fork.Moved != 6 || w.tokensOf(intent.To) != 2 {
		t.Fatalf("the second sync moved %d and pushed %d, want the copy's 6 changes; %d tokens", res.Fork.Moved, res.Pushed, w.tokensOf(intent.To))
	}

	w.restoreDevice(c) // the older copy: site d's again, its fork under way
	res = w.mustSync(c)
	if res.Fork == nil || res.Fork.To == intent.To || c.db.Site() == intent.To || c.db.Site() == d.db.Site() {
		t.Fatalf("the older copy's sync: fork %+v, site %s", res.Fork, c.db.Site())
	}
	for range 2 {
		for _, r := range w.devices {
			w.mustSync(r)
		}
	}
	want := mustDigest(t, w.server.db, d.scopes[0])
	for _, r := range []*simReplica{d, c} {
		if got := mustDigest(t, r.db, d.scopes[0]); got != want {
			t.Errorf("%s differs from the server", r.name)
		}
	}
	if n := households(t, w.server.db); n != 4 {
		t.Errorf("the server holds %d households, want 4: 1 shared, 1 of the device, 2 of the copy (written twice: under the site of its fork and the one its older copy took)", n)
	}
}

// tokensOf counts the tokens the server gave site.
func (w *simWorld) tokensOf(site SiteID) int {
	n := 0
	for _, e := range w.tokens {
		if e.site == site {
			n++
		}
	}
	return n
}

func households(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM sim_households`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestForkCatchesUpWhatItsCursorPassed: a copy pulled while the other
// copy's changes were on the server already, and its pull left them out as
// its own. Once it forks they are another site's: its pull cursor is set
// back, and it catches up in full.
func TestForkCatchesUpWhatItsCursorPassed(t *testing.T) {
	w, d := simQuiet(t)
	w.record(d, 1)
	c := w.cloneOf(d)
	w.record(d, 1)
	var res SyncResult
	if err := c.client.pull(w.ctx, c.db, &res, nil); err != nil {
		t.Fatal(err)
	}
	if res.Pulled != 0 {
		t.Fatalf("the copy pulled %d changes of its own site", res.Pulled)
	}
	simHouseholds(t, c, 1)
	res = w.mustSync(c)
	if res.Fork == nil || res.Fork.ServerHeld-res.Fork.At != 3 || res.Pulled < 3 {
		t.Fatalf("the copy's sync: %+v, fork %+v; want the other copy's 3 changes pulled", res, res.Fork)
	}
	w.mustSync(d)
	want := mustDigest(t, w.server.db, d.scopes[0])
	for _, r := range []*simReplica{d, c} {
		if got := mustDigest(t, r.db, d.scopes[0]); got != want {
			t.Errorf("%s differs from the server", r.name)
		}
	}
	if n := households(t, c.db); n != 3 {
		t.Errorf("the copy holds %d households, want 3", n)
	}
}
