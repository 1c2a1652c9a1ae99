package app

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressDrawsNothingOffATerminal: a bar on a pipe or a file would
// fill logs and test output with carriage returns.
func TestProgressDrawsNothingOffATerminal(t *testing.T) {
	var stderr bytes.Buffer
	a := &app{env: Env{Stderr: &stderr}, lang: langVI}
	p := a.progress(10, "progress.import")
	for range 10 {
		p.Add(1)
	}
	p.Finish()
	if stderr.Len() != 0 {
		t.Fatalf("progress off a terminal wrote %q", stderr.String())
	}
	var nilBar *progress
	nilBar.Add(1) // must not panic
	nilBar.Finish()
}

// TestProgressBarDraws draws the bar itself on a buffer, as it would on a
// terminal, with its label.
func TestProgressBarDraws(t *testing.T) {
	var out bytes.Buffer
	p := &progress{bar: newBar(&out, 4, tr(langVI, "progress.import"))}
	p.Add(4)
	p.Finish()
	if !strings.Contains(out.String(), tr(langVI, "progress.import")) {
		t.Fatalf("bar output %q lacks its label", out.String())
	}
}
