package ops

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/schema"
	"hodan/syncengine"
)

// The communes the tests use: Lạc Lương and Cẩm Giàng (see e2e).
const (
	lacLuong = "05362"
	camGiang = "02008"
)

// mustReplica opens a new laptop database in t.TempDir().
func mustReplica(t *testing.T) *syncengine.DB { t.Helper(); return mustReplicaAt(t, nil) }

// mustReplicaAt opens a new laptop database whose wall clock is now (nil:
// the real one).
func mustReplicaAt(t *testing.T, now func() time.Time) *syncengine.DB {
	t.Helper()
	db, err := replica.Open(context.Background(), filepath.Join(t.TempDir(), "hodan.db"), replica.Options{Migrations: DeviceMigrations(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// everyone is a server operator's actor: every commune.
var everyone = Actor{Officer: "Quản trị"}

// officer is a laptop's actor for Lạc Lương.
var officer = Actor{Officer: "Lò Văn Minh", Communes: []string{lacLuong}}

// mustAdd adds a record as who and returns its id.
func mustAdd(t *testing.T, db *syncengine.DB, who Actor, table string, values map[string]any) string {
	t.Helper()
	tbl := mustTable(t, table)
	id, err := AddRecord(context.Background(), db, who, tbl, values, Day{Date: "2026-05-12"})
	if err != nil {
		t.Fatalf("add %s %v: %v", table, values, err)
	}
	return id.String()
}

// exchange applies to to the changes from has written itself since to
// last heard from it.
func exchange(t *testing.T, from, to *syncengine.DB) {
	t.Helper()
	ctx := context.Background()
	held, err := to.Versions(ctx, from.Site())
	if err != nil {
		t.Fatal(err)
	}
	changes, err := from.Pending(ctx, from.Site(), held[from.Site()], 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if r := to.ApplyReceivedGroup(ctx, []syncengine.Received{{Changes: changes}}); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
}

// noNames names nobody.
func noNames(syncengine.SiteID) string { return "" }

func mustTable(t *testing.T, name string) *schema.Table {
	t.Helper()
	tbl, ok := schema.TableByName(name)
	if !ok {
		t.Fatalf("no table %s", name)
	}
	return tbl
}

// clock is a wall clock a test moves on by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// tick moves the clock on a minute.
func (c *clock) tick() { c.t = c.t.Add(time.Minute) }
