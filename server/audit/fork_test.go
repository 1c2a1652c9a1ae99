package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"path/filepath"
	"testing"

	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/syncengine"
)

// TestExportVerifiesAfterAFork: a laptop's database copied onto a second
// laptop, both recording; the copy that syncs second continues under a new
// site id, enrolled as a copy of the first with a key of its own. The
// export carries that key: it verifies, with every batch of the copy
// signed by it, and replays to the live state. The copy's batches are
// signed by the new key only.
func TestExportVerifiesAfterAFork(t *testing.T) {
	ctx := context.Background()
	d := mustDistrict(t)
	a := d.mustLaptop("a", "Lò Văn Minh", communeA)
	a.mustInsert(t, "households", household(communeA, "Lường Văn Thắng"))
	a.mustSync(t)
	c := cloneLaptop(t, d, a)
	a.mustInsert(t, "households", household(communeA, "Hà Văn Nam"))
	a.mustSync(t)
	h := c.mustInsert(t, "households", household(communeA, "Giàng A Páo"))
	c.set(t, "households", h, map[string]any{"poverty_status": "near_poor"})
	res, err := c.Client.Sync(ctx, c.DB)
	if err != nil || res.Fork == nil {
		t.Fatalf("sync of the copy: %+v, %v", res, err)
	}
	for range 2 {
		a.mustSync(t)
		c.mustSync(t)
	}
	if _, err := d.Reg.Checkpoint(ctx, d.Clock.now()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := audit.Export(ctx, d.DB, d.Reg, d.mustServerKey(), &buf, d.Clock.now()); err != nil {
		t.Fatalf("export: %v", err)
	}
	rep, err := audit.Verify(bytes.NewReader(buf.Bytes()), audit.Options{ServerKey: d.mustServerKey()})
	if err != nil {
		t.Fatalf("verify the export after a fork: %v", err)
	}
	if rep.Devices != 2 || len(rep.Warnings) != 0 {
		t.Errorf("report %+v: want the two keys, the device's and its copy's, and no warning", rep)
	}
	copyKey := c.Client.Key.Public()
	batches := 0
	for _, r := range decode(t, buf.Bytes()) {
		if r.Type == audit.TypeDevice && *r.Device == c.DB.Site() && !r.PublicKey.Equal(copyKey) {
			t.Errorf("the export gives the copy the key %x, not its own", r.PublicKey)
		}
		if r.Type == audit.TypeBatch && *r.Device == c.DB.Site() {
			batches++
			if !syncengine.VerifyBatch(c.Client.Key.Public().(ed25519.PublicKey), c.DB.Site(), r.Changes, r.Signature) {
				t.Errorf("a batch of the copy is not signed with its key")
			}
		}
	}
	if batches == 0 {
		t.Fatal("the export holds no batch of the copy")
	}
	replayed, _ := mustReplay(t, buf.Bytes(), 0)
	if want := mustDigest(t, d.DB, ""); replayed.Digest != want {
		t.Errorf("replayed digest %s, live %s", replayed.Digest, want)
	}
}

// cloneLaptop copies a laptop's database as it stands onto a second
// laptop, with its token and key.
func cloneLaptop(t *testing.T, d *district, l *laptop) *laptop {
	t.Helper()
	path := filepath.Join(d.dir, l.Name+"-copy.db")
	conn, err := sql.Open("sqlite3", l.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`VACUUM INTO ?`, path); err != nil {
		t.Fatalf("copy %s: %v", l.Name, err)
	}
	db, err := replica.Open(context.Background(), path, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	client := *l.Client
	return &laptop{Name: l.Name + "-copy", DB: db, Client: &client, Communes: l.Communes}
}
