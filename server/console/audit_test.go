package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"hodan/server/accounts"
	"hodan/server/audit"
)

// TestAuditExport: an auditor downloads the export as `hodan-server
// audit export` writes it: a checkpoint signed first, a file the offline
// verifier accepts against the server's key; the download is in the
// action log.
func TestAuditExport(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "tra", "Đinh Thị Tra", accounts.Auditor)
	f.laptop(t, "Lò Văn Minh", communeA).households(t, communeA, "Bùi Văn Thảo", "Lò Thị Mai")
	c := f.login(t, "tra")
	got := c.post(t, "/audit/export", nil)
	if got.Status != http.StatusOK || !strings.HasPrefix(got.Header.Get("Content-Disposition"), `attachment; filename="hodan-audit-`) {
		t.Fatalf("export: %d %q", got.Status, got.Header.Get("Content-Disposition"))
	}
	key, err := f.Registry.PublicServerKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(strings.NewReader(got.Body), audit.Options{ServerKey: key})
	if err != nil {
		t.Fatalf("the export does not verify: %v", err)
	}
	if rep.Entries == 0 || rep.Checkpoints != 1 || rep.Covered != rep.Entries {
		t.Errorf("the export: %+v, want every entry covered by the checkpoint signed for it", rep)
	}
	log, err := f.Accounts.Actions(context.Background(), 1)
	if err != nil || len(log) != 1 || log[0].Action != "audit.export" || log[0].Login != "tra" {
		t.Errorf("the action log's latest: %+v, %v", log, err)
	}
	if page := c.do(t, http.MethodGet, "/audit", nil, nil).Body; !strings.Contains(page, "mục, ký lúc") {
		t.Error("the audit page does not show the checkpoint signed")
	}
}
