package httpd_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestPushTheServerCannotVetIsRetriedNotRefused: when the server cannot
// read a row it needs to vet a change (here a household's stored state,
// damaged by hand in the database file), the push is an internal error:
// logged with its cause, answered 500 "internal", nothing of the batch
// kept, no change refused. Once the row is repaired, the device's next
// sync pushes the same changes and they are applied.
func TestPushTheServerCannotVetIsRetriedNotRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	h := mustHousehold(t, dev.DB, communeA, "Lò Văn Thắng")
	if _, err := dev.Client.Sync(ctx, dev.DB); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	held := mustVersion(t, ts.DB, dev.Site())
	mustInsert(t, dev.DB, "members", map[string]any{"household_id": h.String(), "full_name": "Lường Thị Hoa", "birth_year": 2003, "sex": "female", "relation": "child"})
	member := mustOwnChanges(t, dev.DB)[held:]

	// A causal length the engine cannot read: checking that the member's
	// household is of the member's commune fails.
	setCausalLength(t, ts.DB, "households", h, -1)
	logLen := mustColumn(t, ts.DB, `SELECT count(*) FROM sync_log`)
	resp := ts.push(t, dev.Token, member)
	assertError(t, resp, http.StatusInternalServerError, syncengine.CodeInternal)
	if strings.Contains(string(resp.Body), h.String()) || strings.Contains(string(resp.Body), "uint64") {
		t.Errorf("the answer shows the internal detail: %s", resp.Body)
	}
	_, err := dev.Client.Sync(ctx, dev.DB)
	if e := (*syncengine.Error)(nil); !errors.As(err, &e) || e.Code != syncengine.CodeInternal {
		t.Fatalf("sync while the row is damaged: err = %v, want the server's %q", err, syncengine.CodeInternal)
	}
	if refused := mustColumn(t, ts.DB, `SELECT code FROM sync_rejected`); len(refused) != 0 {
		t.Errorf("the server recorded refusals %v, want none", refused)
	}
	if got := mustVersion(t, ts.DB, dev.Site()); got != held {
		t.Errorf("the server holds the device's changes up to #%d, want #%d as before the push", got, held)
	}
	if got := mustColumn(t, ts.DB, `SELECT count(*) FROM sync_log`); got[0] != logLen[0] {
		t.Errorf("the server's log grew from %s to %s entries", logLen[0], got[0])
	}
	if log := ts.Log.String(); !strings.Contains(log, "level=ERROR") || !strings.Contains(log, h.String()) {
		t.Errorf("the server's log does not say why the push failed:\n%s", log)
	}
	if st, err := dev.DB.Status(ctx); err != nil || st.Rejected != 0 || st.Pending != uint64(len(member)) {
		t.Fatalf("device status %+v, %v: want nothing refused, %d changes still to push", st, err, len(member))
	}

	setCausalLength(t, ts.DB, "households", h, 1)
	res, err := dev.Client.Sync(ctx, dev.DB)
	if err != nil || res.Rejected != 0 || res.Pushed != len(member) {
		t.Fatalf("sync once the row is repaired: %+v, %v; want %d changes pushed, none refused", res, err, len(member))
	}
	if got := mustVersion(t, ts.DB, dev.Site()); got != held+uint64(len(member)) {
		t.Errorf("the server holds the device's changes up to #%d, want #%d", got, held+uint64(len(member)))
	}
	if n := mustColumn(t, ts.DB, `SELECT full_name FROM members WHERE household_id = '`+h.String()+`'`); len(n) != 1 {
		t.Errorf("the server holds members %v of the household, want the one pushed", n)
	}
}

// mustVersion is what db holds of site's changes.
func mustVersion(t testing.TB, db *syncengine.DB, site syncengine.SiteID) uint64 {
	t.Helper()
	vv, err := db.Versions(context.Background(), site)
	if err != nil {
		t.Fatalf("versions: %v", err)
	}
	return vv[site]
}

// setCausalLength writes a row's stored causal length behind the engine's
// back, through a connection of its own to the database file, as an
// operator's sqlite3 shell would.
func setCausalLength(t testing.TB, db *syncengine.DB, table string, id syncengine.RowID, cl int64) {
	t.Helper()
	err := db.Exec(context.Background(), func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE sync_rows SET cl = ? WHERE tbl = ? AND row_id = ?`, cl, table, id[:])
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%d rows, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("set the causal length of %s %s: %v", table, id, err)
	}
}
