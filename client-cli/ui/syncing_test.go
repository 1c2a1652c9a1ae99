package ui_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// waitText waits until the text of selector holds want, and returns it.
func waitText(t *testing.T, b *webtest.Browser, selector, want string) string {
	t.Helper()
	expr := `(document.querySelector(` + strconv.Quote(selector) + `) || {innerText: ""}).innerText`
	return webtest.Run(b, func(ctx context.Context, tg *chromedp.Target) (string, error) {
		for {
			got, err := chromedp.Evaluate[string](expr)(ctx, tg)
			if err == nil && strings.Contains(got, want) {
				return got, nil
			}
			select {
			case <-ctx.Done():
				return got, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// TestSyncWithTheServerDownThenUp: with the district server down, the
// sync button's result says so in plain words and the work stays; with
// it up again, the same button sends it, and the other laptop gets it.
func TestSyncWithTheServerDownThenUp(t *testing.T) {
	srv := mustServer(t)
	s := mustApp(t, mustLaptop(t, srv, "Lò Văn Minh"), 0)
	other := mustLaptop(t, srv, "Hà Thị Lan")
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	b := mustBrowser(t)
	s.open(t, b)

	addr := strings.TrimPrefix(srv.url, "http://")
	srv.stop()
	b.Do(navigate(s.url + "/sync"))
	clickAndWait(t, b, "#sync-button")
	waitText(t, b, "#sync-text", "không được")
	if got := waitText(t, b, "#sync-result", "Không kết nối được"); !strings.Contains(got, "an toàn") {
		t.Errorf("the result with the server down: %q", got)
	}
	if got := b.Text(".bar .sync-state"); !strings.Contains(got, "không được") || !strings.Contains(got, "chờ gửi") {
		t.Errorf("the top bar with the server down: %q", got)
	}
	shot(t, b, "ui-sync-down")

	srv.start(t, addr)
	clickAndWait(t, b, "#sync-button")
	waitText(t, b, "#sync-text", "Đã đồng bộ")
	if got := waitText(t, b, "#sync-result", "Đã gửi"); strings.Contains(got, "Đã gửi 0") {
		t.Errorf("the result with the server up: %q", got)
	}
	b.Do(navigate(s.url + "/sync"))
	if got := b.Text(".bar .sync-state"); strings.Contains(got, "chờ gửi") {
		t.Errorf("changes still waiting after the sync: %q", got)
	}
	shot(t, b, "ui-sync")
	syncLaptop(t, other)
	if rows, err := ops.List(context.Background(), other, schema.Households, ops.ListQuery{Search: "Lò Văn Sáu"}); err != nil || len(rows) != 1 {
		t.Errorf("the other laptop after its sync: %v %v", rows, err)
	}
}

// TestSyncInTheBackground: the app syncs by itself, and the last result
// is on every page.
func TestSyncInTheBackground(t *testing.T) {
	srv := mustServer(t)
	s := mustApp(t, mustLaptop(t, srv, "Lò Văn Minh"), 100*time.Millisecond)
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	b := mustBrowser(t)
	s.open(t, b)
	webtest.Run(b, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			if st, err := s.db.Status(ctx); err == nil && st.Pending == 0 {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	b.Do(navigate(s.url + "/households"))
	// The app syncs every 100ms: the page may come while the next sync
	// runs, and the bar follows it to its end.
	if got := waitText(t, b, ".bar .sync-state", "Đã đồng bộ"); !strings.Contains(got, "Đã đồng bộ") {
		t.Errorf("the top bar after a sync in the background: %q", got)
	}
}

// syncLaptop syncs db with its server, as hodan sync does.
func syncLaptop(t *testing.T, db *syncengine.DB) ops.SyncResult {
	t.Helper()
	ctx := context.Background()
	dev, err := ops.LoadDevice(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ops.Sync(ctx, db, dev, ops.SyncOptions{})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// TestRefusedChangesToFix: a change the server refused (a visit dated
// 1980, written by an older hodan) is on the first page from the start
// and on the sync page with its record, field, value and why (the rule it
// broke, in Vietnamese and in English), with where to fix it.
func TestRefusedChangesToFix(t *testing.T) {
	srv := mustServer(t)
	s := mustApp(t, mustLaptop(t, srv, "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	err := s.db.Write(context.Background(), func(tx *syncengine.Tx) error {
		_, err := tx.Insert("visits", map[string]any{"household_id": id, "visit_date": "1980-01-01", "purpose": "follow_up", "officer": "Lò Văn Minh"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := syncLaptop(t, s.db); res.Rejected == 0 {
		t.Fatalf("the server took a visit of 1980: %+v", res)
	}
	b := mustBrowser(t)
	s.open(t, b)
	if got := strings.Join(texts(b, ".notice"), "\n"); !strings.Contains(got, "từ chối") {
		t.Errorf("the first page does not say a change was refused:\n%s", got)
	}
	clickAndWait(t, b, `.notice a[href="/sync#refused"]`)
	// The field has a column of its own: the reason does not name it again.
	row, reason := b.Text("#refused tbody tr"), b.Text("#refused tbody tr td:nth-of-type(3)")
	if !strings.Contains(row, "Ngày thăm") || !strings.Contains(row, "01/01/1980") || !strings.HasPrefix(reason, "ngày 01/01/1980 là trước 01/01/2000") ||
		strings.Contains(row, "không hợp lệ") || strings.Contains(row, "invalid_value") {
		t.Errorf("the refused change: %q, its reason %q", row, reason)
	}
	shot(t, b, "ui-sync-refused")
	b.Do(navigate(s.url + "/sync?lang=en"))
	row, reason = b.Text("#refused tbody tr"), b.Text("#refused tbody tr td:nth-of-type(3)")
	if !strings.Contains(row, "Visit date") || strings.Contains(reason, "Visit date") || !strings.Contains(reason, "01/01/1980 is before 01/01/2000") || strings.Contains(row, "invalid") {
		t.Errorf("the refused change in English: %q, its reason %q", row, reason)
	}
	shot(t, b, "ui-sync-refused-en")
}
