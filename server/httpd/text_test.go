package httpd_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestPushRefusesTextNoFieldMayHold: the text rule of schema holds for
// what devices push, change by change. Text no field may hold (control
// and bidi characters, a line break in a name) is refused, saying which
// character and where, and the rest of the batch is applied: a laptop of
// an older version that holds such a value must not be stuck. Text that
// breaks only what entry points now clean (not NFC, a space at an end)
// reads the same and is kept as written.
func TestPushRefusesTextNoFieldMayHold(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		value, hint string // hint "": kept
	}{
		"escape that retitles the window": {"Lò\x1b]0;pwned\x07", "U+001B at character 3"},
		"NUL byte":                        {"Lò\x00Pó", "U+0000"},
		"bidi override":                   {"Lò \u202eVăn", "U+202E"},
		"newline in a name":               {"Lò\nVăn", "U+000A"},
		"a letter and its mark apart":     {"Lo\u0300", ""},
		"space at the end":                {"Lò Văn ", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := mustEdgeFixture(t, 1<<20)
			resp := fx.ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(fx.dev.Token),
				ContentType: "application/json", Body: fx.cell(t, "head_name", syncengine.Text(tc.value))})
			if resp.Status != http.StatusOK {
				t.Fatalf("push: %d %s", resp.Status, resp.Body)
			}
			var pr syncengine.PushResponse
			if err := json.Unmarshal(resp.Body, &pr); err != nil {
				t.Fatal(err)
			}
			if tc.hint == "" {
				if len(pr.Rejected) != 0 || pr.Applied != len(fx.next) {
					t.Errorf("kept text: %d applied of %d, refused %+v", pr.Applied, len(fx.next), pr.Rejected)
				}
				return
			}
			if len(pr.Rejected) != 1 || pr.Rejected[0].Code != syncengine.CodeInvalidValue || !strings.Contains(pr.Rejected[0].Message, tc.hint) {
				t.Fatalf("refusals %+v, want one invalid_value saying %q", pr.Rejected, tc.hint)
			}
			if pr.Applied != len(fx.next)-1 {
				t.Errorf("%d of the batch's %d changes applied, want all but the refused one", pr.Applied, len(fx.next))
			}
		})
	}
}
