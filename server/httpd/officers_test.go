package httpd_test

import (
	"context"
	"testing"
	"time"

	"hodan/syncengine"
)

// TestOfficersNamesTheCommunesWriters checks that /v1/officers names the
// officers of the devices enrolled for the caller's communes, revoked ones
// included, and nobody of another commune.
func TestOfficersNamesTheCommunesWriters(t *testing.T) {
	ts := mustServer(t, nil)
	ctx := context.Background()
	enroll := func(officer string, communes ...string) *device {
		t.Helper()
		db := mustOpenReplica(t)
		code, err := ts.Reg.CreateEnrollment(ctx, officer, communes, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		client := &syncengine.Client{BaseURL: ts.URL, Key: deviceKey(t, db.Site())}
		er, err := client.Enroll(ctx, code, db.Site())
		if err != nil {
			t.Fatal(err)
		}
		client.Token = er.Token
		return &device{DB: db, Client: client, Token: er.Token}
	}
	a := enroll("Lò Văn Minh", "02008")
	b := enroll("Hà Thị Lan", "02008", "02011")
	c := enroll("Bùi Văn Thảo", "02011")
	gone := enroll("Vàng Seo Pao", "02008")
	if _, err := ts.Reg.Revoke(ctx, gone.Site().String()); err != nil {
		t.Fatal(err)
	}
	got, err := a.Client.Officers(ctx)
	if err != nil {
		t.Fatalf("officers: %v", err)
	}
	names := map[syncengine.SiteID]string{}
	for _, o := range got {
		names[o.Site] = o.Officer
	}
	want := map[syncengine.SiteID]string{a.Site(): "Lò Văn Minh", b.Site(): "Hà Thị Lan", gone.Site(): "Vàng Seo Pao"}
	if len(names) != len(want) {
		t.Errorf("named %v; want %v (not %s, of another commune)", names, want, c.Site())
	}
	for site, officer := range want {
		if names[site] != officer {
			t.Errorf("site %s named %q; want %q", site, names[site], officer)
		}
	}
}
