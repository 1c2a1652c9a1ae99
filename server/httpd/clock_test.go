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
	client := &syncengine.Client{BaseURL: ts.URL}
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
