package syncengine

import (
	"database/sql"
	"fmt"
	"testing"
)

// TestErrorOf: what a peer is told of an error is its own *Error, or the
// code of its sentinel with the sender's hint, and nothing of an internal
// error.
func TestErrorOf(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		code, msg string
	}{
		{"a protocol error", fmt.Errorf("push: %w", &Error{Code: CodeRevoked, Message: "revoked"}), CodeRevoked, "revoked"},
		{"a gap", fmt.Errorf("%w: site x", ErrSequenceGap), CodeSequenceGap, "sequence gap: site x: ask /v1/versions and push from there"},
		{"a reused number", fmt.Errorf("%w: x #2", ErrSequenceReused), CodeSeqReused,
			"sequence number reused with different content: x #2: the server holds other changes under these numbers (this database is an older copy, or a copy used on another laptop); nothing was applied: update hodan and sync again, it continues under a new identity and loses nothing"},
		{"a malformed change", fmt.Errorf("%w: x #0", ErrBadChange), CodeBadRequest, "malformed change: x #0"},
		{"another scope", fmt.Errorf("%w: row", ErrScopeMismatch), CodeScopeMismatch, "scope mismatch: row"},
		{"a database error", fmt.Errorf("read row: %w", sql.ErrConnDone), "", ""},
		{"a local write's error", fmt.Errorf("%w: villages x", ErrNotFound), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ErrorOf(tt.err)
			switch {
			case tt.code == "" && e != nil:
				t.Errorf("ErrorOf = %+v, want nil: an internal error is never shown", e)
			case tt.code != "" && (e == nil || e.Code != tt.code || e.Message != tt.msg):
				t.Errorf("ErrorOf = %+v, want %s %q", e, tt.code, tt.msg)
			}
		})
	}
}
