package httpd_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/httpd"
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

// mustDeviceAt enrolls, for communes, a device whose wall clock is wall.
func mustDeviceAt(t *testing.T, ts *testServer, wall func() time.Time, communes ...string) *device {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "device.db"), replica.Options{Now: wall})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	client := &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}
	er, err := client.Enroll(ctx, ts.mustCode(t, time.Hour, communes...), db.Site())
	if err != nil {
		t.Fatal(err)
	}
	client.Token = er.Token
	return &device{DB: db, Client: client, Token: er.Token}
}

// TestFutureStampDoesNotBlockCorrectLaptops: the server's clock jumped
// three months ahead and accepted a household recorded by a laptop as far
// ahead; its clock came back. A laptop whose clock is right pulls it,
// edits it and records more, and the server accepts it all; what the
// laptop that is still ahead records next is refused.
func TestFutureStampDoesNotBlockCorrectLaptops(t *testing.T) {
	ctx := context.Background()
	const ahead = 90 * 24 * time.Hour
	serverClock := &manualClock{t: time.Now()}
	ts := mustServer(t, func(cfg *httpd.Config) { cfg.Now = serverClock.now })
	aheadClock := func() time.Time { return time.Now().Add(ahead) }
	a := mustDeviceAt(t, ts, aheadClock, communeA)
	h := mustHousehold(t, a.DB, communeA, "Bùi Văn Thảo")
	serverClock.advance(ahead)
	if res, err := a.Client.Sync(ctx, a.DB); err != nil || res.Rejected != 0 {
		t.Fatalf("sync with the server as far ahead: %+v, %v", res, err)
	}
	serverClock.advance(-ahead)

	b := mustDevice(t, ts, communeA)
	if _, err := b.Client.Sync(ctx, b.DB); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, b.DB, func(tx *syncengine.Tx) error {
		return tx.Update("households", h, map[string]any{"head_name": "Bùi Văn Thảo (b)"})
	})
	mustHousehold(t, b.DB, communeA, "Hà Thị Lan")
	res, err := b.Client.Sync(ctx, b.DB)
	if err != nil || res.Rejected != 0 || res.Pushed == 0 {
		t.Fatalf("sync of a laptop whose clock is right, after a future stamp: %+v, %v", res, err)
	}
	var head string
	if err := ts.DB.SQL().QueryRow(`SELECT head_name FROM households WHERE id = ?`, h.String()).Scan(&head); err != nil || head != "Bùi Văn Thảo (b)" {
		t.Fatalf("the server holds head_name %q, %v; want b's edit", head, err)
	}

	mustHousehold(t, a.DB, communeA, "still ahead")
	if _, err := a.Client.Sync(ctx, a.DB); !errors.Is(err, syncengine.ErrClockAhead) {
		t.Fatalf("sync of the laptop still ahead: %v, want ErrClockAhead", err)
	}
	pr := ts.mustPush(t, a.Token, mustOwnChanges(t, a.DB)) // as a laptop that does not check
	if len(pr.Rejected) == 0 {
		t.Fatal("changes stamped three months ahead were accepted")
	}
	for _, r := range pr.Rejected {
		if r.Code != syncengine.CodeClockSkew {
			t.Errorf("#%d refused with %s, want %s", r.Seq, r.Code, syncengine.CodeClockSkew)
		}
	}
}

// TestDateBefore2000IsRefusedAlone: a visit dated 1980 (a laptop whose
// clock battery died, under a hodan older than the rule) is refused
// change by change; the rest of its batch is applied, and the laptop can
// go on sending.
func TestDateBefore2000IsRefusedAlone(t *testing.T) {
	ctx := context.Background()
	ts := mustServer(t, nil)
	d := mustDevice(t, ts, communeA)
	h := mustHousehold(t, d.DB, communeA, "Bùi Văn Thảo")
	mustInsert(t, d.DB, "visits", map[string]any{"household_id": h.String(), "visit_date": "1980-01-01",
		"purpose": "follow_up", "officer": "Lò Văn Minh"})
	res, err := d.Client.Sync(ctx, d.DB)
	if err != nil || res.Rejected != 1 {
		t.Fatalf("sync: %+v, %v; want the visit's date refused", res, err)
	}
	refused, err := d.DB.RejectedChanges(ctx)
	if err != nil || len(refused) != 1 || refused[0].Code != syncengine.CodeInvalidValue || !strings.Contains(refused[0].Message, "2000-01-01") {
		t.Fatalf("refusals recorded: %+v, %v", refused, err)
	}
	mustHousehold(t, d.DB, communeA, "Hà Thị Lan")
	if res, err := d.Client.Sync(ctx, d.DB); err != nil || res.Pushed == 0 || res.Rejected != 0 {
		t.Fatalf("the next sync: %+v, %v", res, err)
	}
}
