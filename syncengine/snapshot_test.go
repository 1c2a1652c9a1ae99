package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// snapFixture is a server holding the work of two devices of scope A (one
// of them also deleting and re-creating rows) and one of scope B, pushed in
// interleaved, receipted batches so that the server's log mixes scopes and
// its chain covers receipts.
type snapFixture struct {
	srv        *DB
	a1, a2, b1 *DB
}

func mustSnapFixture(t *testing.T) *snapFixture {
	t.Helper()
	f := &snapFixture{srv: mustOpen(t, "srv"), a1: mustOpen(t, "a1"), a2: mustOpen(t, "a2"), b1: mustOpen(t, "b1")}
	for round := 0; round < 3; round++ {
		f.record(t, f.a1, "A", round)
		f.record(t, f.b1, "B", round)
		f.record(t, f.a2, "A", round)
		for _, d := range []*DB{f.a1, f.b1, f.a2} {
			f.push(t, d)
		}
	}
	return f
}

// record writes a village of scope with two people, deletes one person,
// and edits the village, once more a field it wrote (a contested cell).
func (f *snapFixture) record(t *testing.T, d *DB, scope string, round int) {
	t.Helper()
	mustWrite(t, d, func(tx *Tx) error {
		v, err := tx.Insert("villages", map[string]any{"commune": scope, "name": fmt.Sprintf("thôn %s%d", scope, round), "size": round})
		if err != nil {
			return err
		}
		p, err := tx.Insert("people", map[string]any{"village_id": v.String(), "name": "Lò Thị Mai", "born": 1980 + round})
		if err != nil {
			return err
		}
		if _, err := tx.Insert("people", map[string]any{"village_id": v.String(), "name": "Vàng A Páo", "score": 2.5}); err != nil {
			return err
		}
		if err := tx.Delete("people", p); err != nil {
			return err
		}
		return tx.Update("villages", v, map[string]any{"note": []byte{1, 2, byte(round)}, "area": 12.5, "size": round + 1})
	})
}

// push sends every change of d the server lacks, as one receipted batch.
func (f *snapFixture) push(t *testing.T, d *DB) {
	t.Helper()
	pushAt(t, f.srv, d, time.Now())
}

// pushAt sends every change of d that srv lacks as one batch, received at.
func pushAt(t *testing.T, srv, d *DB, at time.Time) {
	t.Helper()
	ctx := context.Background()
	vv, err := srv.Versions(ctx, d.Site())
	if err != nil {
		t.Fatal(err)
	}
	batch, err := d.Pending(ctx, d.Site(), vv[d.Site()], 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r := &Receipt{Device: d.Site(), Officer: "Lò Văn Minh", Received: at.UnixMilli(), Signature: []byte("signed"), Changes: HashChanges(batch)}
	if _, err := srv.ApplyReceived(ctx, batch, nil, r); err != nil {
		t.Fatalf("push: %v", err)
	}
}

func mustBuild(t *testing.T, db *DB, scopes ...string) (string, SnapshotInfo) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snap.sqlite")
	info, err := db.BuildSnapshot(context.Background(), scopes, path)
	if err != nil {
		t.Fatalf("build snapshot: %v", err)
	}
	return path, info
}

func mustAdopt(t *testing.T, db *DB, path string) SnapshotInfo {
	t.Helper()
	info, err := db.AdoptSnapshot(context.Background(), path)
	if err != nil {
		t.Fatalf("adopt snapshot: %v", err)
	}
	return info
}

func mustAuditLog(t *testing.T, db *DB) []AuditEntry {
	t.Helper()
	entries, err := db.AuditLog(context.Background(), 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func mustCursor(t *testing.T, db *DB) (string, Cursor) {
	t.Helper()
	inc, cur, err := db.PullCursor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return inc, cur
}

// sameReplica fails unless got holds exactly what want holds: the same
// log entry for entry (numbers and chain hashes included), the same digest
// of every scope, the same domain rows, the same index of contested cells
// and cells' winning entries, and the same pull cursor.
func sameReplica(t *testing.T, got, want *DB) {
	t.Helper()
	if g, w := mustAuditLog(t, got), mustAuditLog(t, want); !reflect.DeepEqual(g, w) {
		t.Errorf("logs differ: %d entries, want %d", len(g), len(w))
		for i := range min(len(g), len(w)) {
			if !reflect.DeepEqual(g[i], w[i]) {
				t.Errorf("first difference at %d:\n%+v\nwant\n%+v", i, g[i], w[i])
				break
			}
		}
	}
	for _, scope := range []string{"", "A", "B"} {
		if g, w := mustDigest(t, got, scope), mustDigest(t, want, scope); g != w {
			t.Errorf("digest of %q: %s, want %s", scope, g, w)
		}
	}
	if g, w := dump(t, got), dump(t, want); g != w {
		t.Errorf("domain tables differ:\n%s\nwant:\n%s", g, w)
	}
	for _, q := range []string{`SELECT scope, tbl, row_id, col, seq FROM sync_contested ORDER BY 1, 2, 3, 4, 5`,
		`SELECT tbl, row_id, col, seq FROM sync_cells ORDER BY 1, 2, 3`} {
		if g, w := dumpQuery(t, got.SQL(), "", q), dumpQuery(t, want.SQL(), "", q); g != w {
			t.Errorf("%s:\n%s\nwant:\n%s", q, g, w)
		}
	}
	mustCheckContested(t, got, "A", "B")
	gi, gc := mustCursor(t, got)
	wi, wc := mustCursor(t, want)
	if gi != wi || gc != wc {
		t.Errorf("pull cursor %s %+v, want %s %+v", gi, gc, wi, wc)
	}
}

func TestSnapshotAdoptIsAPull(t *testing.T) {
	ctx := context.Background()
	f := mustSnapFixture(t)
	path, info := mustBuild(t, f.srv, "A")
	// The adopted replica's wall clock is minutes behind (within its
	// tolerance: its clock follows the snapshot's stamps, see
	// Clock.Observe), and it interned its own site under a number the
	// snapshot uses for another.
	cfg := testConfig()
	cfg.Now = func() time.Time { return time.Now().Add(-5 * time.Minute) }
	// Both are laptops, which keep SQLite files whatever the server's store.
	adopted, pulled := mustOpenPath(t, filepath.Join(t.TempDir(), "adopted.db"), cfg), mustOpenPath(t, filepath.Join(t.TempDir(), "pulled.db"), cfg)
	ownSite := adopted.Site()
	err := adopted.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO sync_sites (id, site) VALUES (1, ?)`, ownSite[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustAdopt(t, adopted, path); !reflect.DeepEqual(got, info) {
		t.Errorf("adopted %+v, built %+v", got, info)
	}
	mustPullAll(t, pulled, f.srv, []string{"A"}, 7)
	if info.Changes == 0 || int(info.Changes) != len(allChanges(t, pulled)) {
		t.Fatalf("snapshot holds %d changes, a pull brings %d", info.Changes, len(allChanges(t, pulled)))
	}
	sameReplica(t, adopted, pulled)
	if mustDigest(t, adopted, "A") != mustDigest(t, f.srv, "A") {
		t.Error("the adopted replica's digest of A differs from the server's")
	}
	if mustDigest(t, adopted, "B") != mustDigest(t, mustOpen(t, "empty"), "B") {
		t.Error("the adopted replica holds rows of B")
	}

	// Life goes on: the adopted replica writes and pushes, colleagues write,
	// and it pulls their changes from the snapshot's cursor.
	f.record(t, adopted, "A", 7)
	f.push(t, adopted)
	f.record(t, f.a1, "A", 8)
	f.record(t, f.b1, "B", 8)
	f.push(t, f.a1)
	f.push(t, f.b1)
	if _, reset := mustPullAll(t, adopted, f.srv, []string{"A"}, 5); reset {
		t.Error("the pull after the snapshot's cursor started again from the beginning")
	}
	mustPullAll(t, pulled, f.srv, []string{"A"}, 5)
	for _, d := range []*DB{adopted, pulled} {
		if mustDigest(t, d, "A") != mustDigest(t, f.srv, "A") {
			t.Error("a replica's digest of A differs from the server's after later pushes and pulls")
		}
	}
	if len(allChanges(t, adopted)) != len(allChanges(t, pulled)) {
		t.Errorf("adopted holds %d changes, pulled %d", len(allChanges(t, adopted)), len(allChanges(t, pulled)))
	}
	// Its own writes were stamped after everything the snapshot held.
	own := mustOwn(t, adopted)
	for _, c := range allChanges(t, pulled)[:info.Changes] {
		if c.HLC >= own[0].HLC {
			t.Fatalf("own write stamped %s, not after the snapshot's %s", own[0].HLC, c.HLC)
		}
	}
	if vv, _ := f.srv.Versions(ctx, adopted.Site()); vv[adopted.Site()] != uint64(len(own)) {
		t.Errorf("server holds %d of the adopted replica's %d changes", vv[adopted.Site()], len(own))
	}
}

func mustOwn(t *testing.T, db *DB) []Change {
	t.Helper()
	own, err := db.Pending(context.Background(), db.Site(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return own
}

// TestSnapshotHoldsOnlyItsScopes reads the snapshot file itself: nothing
// of scope B, nor any site no kept entry names, is in it.
func TestSnapshotHoldsOnlyItsScopes(t *testing.T) {
	f := mustSnapFixture(t)
	path, info := mustBuild(t, f.srv, "A")
	snap, err := sql.Open("sqlite3", fileURI(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	for name, query := range map[string]string{
		"log entries of B":    `SELECT count(*) FROM sync_log WHERE scope != 'A'`,
		"rows of B":           `SELECT count(*) FROM sync_rows WHERE scope != 'A'`,
		"cells of B":          `SELECT count(*) FROM sync_cells c LEFT JOIN sync_rows r USING (tbl, row_id) WHERE r.scope IS NOT 'A'`,
		"villages of B":       `SELECT count(*) FROM villages WHERE commune != 'A'`,
		"people outside A":    `SELECT count(*) FROM people WHERE village_id NOT IN (SELECT id FROM villages)`,
		"batches":             `SELECT count(*) FROM sync_log WHERE batch IS NOT NULL`,
		"unused sites":        `SELECT count(*) FROM sync_sites WHERE id NOT IN (SELECT origin FROM sync_log)`,
		"sites without cells": `SELECT count(*) FROM sync_sites WHERE id NOT IN (SELECT DISTINCT site FROM sync_cells)`,
	} {
		var n int
		if err := snap.QueryRow(query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != 0 {
			t.Errorf("the snapshot of A holds %d %s", n, name)
		}
	}
	var villages, people int
	if err := snap.QueryRow(`SELECT (SELECT count(*) FROM villages), (SELECT count(*) FROM people)`).Scan(&villages, &people); err != nil {
		t.Fatal(err)
	}
	if villages != 6 || people != 6 || info.Rows != 18 {
		t.Errorf("the snapshot holds %d villages, %d live people, %d rows; want 6, 6, 18", villages, people, info.Rows)
	}
}
