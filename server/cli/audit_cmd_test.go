package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAuditExportToStandardOutput: --out - writes the export to the
// command's standard output, not to the process's, so that a caller
// running the command tree (a test, the console) reads it, and its
// summary to standard error, out of the export.
func TestAuditExportToStandardOutput(t *testing.T) {
	d := mustDistrict(t)
	out, stderr := runWant(t, 0, "audit", "export", "--db", d.path, "--out", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Fatalf("standard output holds a line that is not JSON: %.200q", line)
		}
	}
	if len(lines) < 2 || !strings.Contains(stderr, "đã xuất") {
		t.Errorf("the export: %d lines on standard output, and on standard error %q", len(lines), stderr)
	}
}
