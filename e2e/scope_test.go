package e2e

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"hodan/internal/replica"
	"hodan/syncengine"
)

// TestDeviceStaysInItsCommunes: a device sees only its communes' rows, the
// app refuses to record in another commune, and rows of another commune
// written straight into the device's database (a tampered or broken
// client) are refused by the server one by one, with nothing applied.
func TestDeviceStaysInItsCommunes(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	both := enrolled(t, srv, "both", "Hà Thị Lan", lacLuong, camGiang)
	c := enrolled(t, srv, "c", "Triệu Văn Dũng", camGiang)

	inLac := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	inCam := c.add(t, "household", "--head-name", "Hoàng Văn Sinh")
	a.sync(t)
	c.sync(t)
	both.sync(t)
	a.sync(t)

	if got := ids(a.list(t, "household")); !got[inLac] || got[inCam] {
		t.Errorf("a (Lạc Lương) lists %v", got)
	}
	if got := ids(c.list(t, "household")); got[inLac] || !got[inCam] {
		t.Errorf("c (Cẩm Giàng) lists %v", got)
	}
	if got := ids(both.list(t, "household")); !got[inLac] || !got[inCam] {
		t.Errorf("the device of both communes lists %v", got)
	}
	c.fail(t, "not one of this laptop's communes", "household", "add", "--commune-code", lacLuong, "--head-name", "X")
	c.fail(t, "no household", "member", "add", "--household-id", inLac, "--full-name", "X")

	before := srv.digest(t, lacLuong)
	forgeRows(t, c.db, lacLuong, inLac)
	res := c.sync(t)
	if res.Rejected != 4 {
		t.Fatalf("sync of forged rows: %+v, want 4 rejected (a household of Lạc Lương: existence and two cells; a member tied to a Lạc Lương household)", res)
	}
	if after := srv.digest(t, lacLuong); after != before {
		t.Error("the server's Lạc Lương data changed")
	}
	st := c.status(t)
	if rejected := st["rejected"].([]any); len(rejected) != 4 || !strings.Contains(rejected[0].(map[string]any)["message"].(string), "commune") {
		t.Errorf("status lists rejections %v", rejected)
	}
	a.sync(t)
	if got := ids(a.list(t, "household")); len(got) != 1 {
		t.Errorf("a received forged households: %v", got)
	}
}

// forgeRows writes, below the app's checks, a household of commune into the
// device database at path, and a member of the device's own commune that is
// then pointed at a household of commune by a change written straight into
// the log, as a broken client might.
func forgeRows(t *testing.T, path, commune, foreignHousehold string) {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, path, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var member syncengine.RowID
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		if _, err := tx.Insert("households", map[string]any{"commune_code": commune, "head_name": "forged"}); err != nil {
			return err
		}
		own, err := tx.Insert("households", map[string]any{"commune_code": camGiang, "head_name": "own"})
		if err != nil {
			return err
		}
		member, err = tx.Insert("members", map[string]any{"household_id": own.String(), "full_name": "moved"})
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, err = raw.Exec(`
		INSERT INTO sync_log (chain, origin, origin_seq, tbl, row_id, col, val, hlc, base, cl, scope)
		SELECT randomblob(16), s.id, m.value + 1, 'members', ?, 'household_id', ?, (SELECT max(hlc) + 1 FROM sync_log), 0, 1, ?
		FROM sync_sites s, sync_meta m, sync_meta me
		WHERE me.key = 'site_id' AND s.site = me.value AND m.key = 'own_seq';
		UPDATE sync_meta SET value = value + 1 WHERE key = 'own_seq';`,
		member[:], foreignHousehold, camGiang)
	if err != nil {
		t.Fatal(err)
	}
}
