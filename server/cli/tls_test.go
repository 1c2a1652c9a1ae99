package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestTLSInitHintNamesTheFilesItWrote runs tls init as README does, in a
// folder of its own with the default --out, and follows its hint: every
// file the hint names after --tls-cert, --tls-key and --ca must be there.
func TestTLSInitHintNamesTheFilesItWrote(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"tls", "init", "--host", "127.0.0.1"}, Env{Stdout: &stdout, Stderr: &stderr}); code != 0 {
		t.Fatalf("tls init: exit %d\n%s", code, stderr.String())
	}
	named := map[string]bool{}
	words := strings.Fields(stderr.String())
	for i, w := range words[:len(words)-1] {
		switch w {
		case "--tls-cert", "--tls-key", "--ca":
			named[w] = true
			if _, err := os.Stat(words[i+1]); err != nil {
				t.Errorf("the hint says %s %s, which is not there: %v\n%s", w, words[i+1], err, stderr.String())
			}
		}
	}
	if len(named) != 3 {
		t.Errorf("the hint names %v; want --tls-cert, --tls-key and --ca:\n%s", named, stderr.String())
	}
}
