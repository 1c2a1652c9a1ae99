package httpd_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestPushRefusesTextNoFieldMayHold: the text rule of schema (no control
// or bidi characters, NFC, trimmed) holds for what devices push: a batch
// that breaks it is refused, saying which character and where, and the
// server is left as it was.
func TestPushRefusesTextNoFieldMayHold(t *testing.T) {
	t.Parallel()
	fx := mustEdgeFixture(t, 1<<20)
	before := mustExactState(t, fx.ts.DB)
	for name, tc := range map[string]struct {
		value, hint string
	}{
		"escape that retitles the window": {"Lò\x1b]0;pwned\x07", "U+001B at character 3"},
		"NUL byte":                        {"Lò\x00Pó", "U+0000"},
		"bidi override":                   {"Lò \u202eVăn", "U+202E"},
		"newline in a name":               {"Lò\nVăn", "U+000A"},
		"a letter and its mark apart":     {"Lo\u0300", "NFC"},
		"space at the end":                {"Lò Văn ", "space"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := fx.ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(fx.dev.Token),
				ContentType: "application/json", Body: fx.cell(t, "head_name", syncengine.Text(tc.value))})
			assertError(t, resp, http.StatusBadRequest, syncengine.CodeInvalidValue)
			var er syncengine.ErrorResponse
			if json.Unmarshal(resp.Body, &er); !strings.Contains(er.Error.Message, tc.hint) {
				t.Errorf("message %q does not say %q", er.Error.Message, tc.hint)
			}
			assertExactlyUnchanged(t, fx.ts.DB, before)
		})
	}
}
