package httpd_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/syncengine"
)

// TestDeviceWithClockAheadIsStoppedBeforePushing: a laptop whose clock runs
// a day ahead is told so by the client before anything is sent, so that its
// changes stay pending instead of being refused one by one.
func TestDeviceWithClockAheadIsStoppedBeforePushing(t *testing.T) {
	ctx := context.Background()
	ts := mustServer(t, nil)
	ahead := ts.Now.Add(24 * time.Hour)
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "ahead.db"), replica.Options{Now: func() time.Time { return ahead }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client := &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}
	er, err := client.Enroll(ctx, ts.mustCode(t, time.Hour, "05362"), db.Site())
	if err != nil {
		t.Fatal(err)
	}
	client.Token = er.Token
	mustHousehold(t, db, "05362", "Bùi Văn Thảo")
	before := mustState(t, ts.DB)

	_, err = client.Sync(ctx, db)
	if !errors.Is(err, syncengine.ErrClockAhead) || !strings.Contains(err.Error(), "24h0m0s") {
		t.Fatalf("sync with the clock a day ahead: %v", err)
	}
	assertUnchanged(t, ts.DB, before)
	st, err := db.Status(ctx)
	if err != nil || st.Pending == 0 || st.Rejected != 0 {
		t.Fatalf("device status %+v, %v: want its changes pending, none rejected", st, err)
	}
}

// TestClockAheadStillPulls: a laptop whose clock runs ahead is stopped from
// pushing, but still receives what the others sent.
func TestClockAheadStillPulls(t *testing.T) {
	ctx := context.Background()
	ts := mustServer(t, nil)
	wall := ts.Now.Add(24 * time.Hour)
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "ahead.db"), replica.Options{Now: func() time.Time { return wall }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client := &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}
	er, err := client.Enroll(ctx, ts.mustCode(t, time.Hour, communeA), db.Site())
	if err != nil {
		t.Fatal(err)
	}
	client.Token = er.Token
	mustHousehold(t, db, communeA, "written with the clock ahead")
	other := mustDevice(t, ts, communeA)
	theirs := mustHousehold(t, other.DB, communeA, "from another laptop")
	if _, err := other.Client.Sync(ctx, other.DB); err != nil {
		t.Fatal(err)
	}
	res, err := client.Sync(ctx, db)
	if !errors.Is(err, syncengine.ErrClockAhead) || res.Pulled == 0 {
		t.Fatalf("sync: %+v, %v; want the push held back and the pull done", res, err)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM households WHERE id = ?`, theirs.String()).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the other laptop's household did not arrive: %d, %v", n, err)
	}
}

// TestRefusalsReachTheDeviceWhenThePushAnswerIsLost: the server's answer
// to a push that refused changes never arrives; the next sync learns of
// the refusals from the versions answer.
func TestRefusalsReachTheDeviceWhenThePushAnswerIsLost(t *testing.T) {
	ctx := context.Background()
	ts := mustServer(t, nil)
	d := mustDevice(t, ts, communeA)
	mustHousehold(t, d.DB, communeB, "outside the device's communes")
	pr := ts.mustPush(t, d.Token, mustOwnChanges(t, d.DB)) // committed; the device never hears
	if len(pr.Rejected) == 0 {
		t.Fatal("nothing was refused")
	}
	if _, err := d.Client.Sync(ctx, d.DB); err != nil {
		t.Fatal(err)
	}
	st, err := d.DB.Status(ctx)
	if err != nil || st.Rejected != len(pr.Rejected) || st.Pending != 0 {
		t.Fatalf("status %+v, %v: want %d refusals recorded and nothing pending", st, err, len(pr.Rejected))
	}
}
