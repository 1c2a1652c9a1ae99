package syncengine

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// Regression tests for bugs the simulation found, each reduced to the
// schedule that shows it.

// simOutOfScopeWrites has device0 (enrolled for 05362 only) write a
// household of its commune, then one of 02008, which the server refuses:
// changes #1 to #3, then #4 to #6.
func simOutOfScopeWrites(t *testing.T) (*simWorld, *simReplica) {
	t.Helper()
	w := newSimWorld(t, 1)
	w.net.faulty = false
	d := w.devices[0]
	mustWrite(t, d.db, func(tx *Tx) error {
		if _, err := tx.Insert("sim_households", map[string]any{"commune": "05362", "head": "Hà Giang"}); err != nil {
			return err
		}
		_, err := tx.Insert("sim_households", map[string]any{"commune": "02008", "head": "Ha\u0300 Giang"})
		return err
	})
	return w, d
}

// A push delivered twice: the device hears only the second answer, which
// must still list the refusals the first one made.
func TestPushRepeatsRefusalsOfDuplicates(t *testing.T) {
	w, d := simOutOfScopeWrites(t)
	batch := allChanges(t, d.db)
	for i := 0; i < 2; i++ {
		res, err := w.server.db.ApplyPush(context.Background(), batch, simVetter(d, w.horizon(w.server)))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rejected) != 3 || res.Rejected[0].Seq != 4 || res.Rejected[0].Code != CodeOutOfScope {
			t.Fatalf("delivery %d: refusals %+v, want #4 to #6 out of scope", i+1, res.Rejected)
		}
	}
}

// An earlier push of all the device's changes (its answer lost) lands just
// before the device pushes its first, smaller batch again: the answer to
// that batch says the server holds everything, but lists only the batch's
// own refusals. The device must still hear of the others.
func TestPushHearsRefusalsOfAnEarlierCopy(t *testing.T) {
	ctx := context.Background()
	w, d := simOutOfScopeWrites(t)
	earlier := []byte(mustJSON(PushRequest{Changes: allChanges(t, d.db)}))
	landed := false
	d.client.BatchSize = 2
	d.client.HTTP = &http.Client{Transport: simRoundTrip(func(req *http.Request) (*http.Response, error) {
		if req.Method == http.MethodPost && !landed {
			landed = true
			w.serve(simRequest{dev: d, site: d.site, method: http.MethodPost, url: &url.URL{Path: PathPush}, body: earlier})
		}
		return w.net.RoundTrip(req)
	})}
	if _, err := d.client.Sync(ctx, d.db); err != nil {
		t.Fatal(err)
	}
	st, err := d.db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rejected != 3 || st.Pending != 0 {
		t.Fatalf("after the sync the device knows of %d refusals (want 3), %d changes pending", st.Rejected, st.Pending)
	}
}

type simRoundTrip func(*http.Request) (*http.Response, error)

func (f simRoundTrip) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
