package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hodan/ops"
)

// closedServer is the URL of a port nothing listens on.
func closedServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestInitUnreachableSaysRunInitAgain: an officer whose laptop cannot
// reach the server at enrollment is told to run hodan init again, not
// hodan sync (which needs an enrolled laptop).
func TestInitUnreachableSaysRunInitAgain(t *testing.T) {
	for _, l := range []lang{langVI, langEN} {
		var out, errOut bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		code := Run(context.Background(), []string{"--db", filepath.Join(t.TempDir(), "h.db"), "--lang", string(l),
			"init", "--server", closedServer(t), "--enroll", "ABCD-EFGH"}, env)
		if code != 1 || !strings.Contains(errOut.String(), "hodan init") || strings.Contains(errOut.String(), "hodan sync") {
			t.Errorf("%s: exit %d, stderr %q; want it to say to run hodan init again", l, code, errOut.String())
		}
	}
}

// jsonError is the one shape of a failed command's --json output.
type jsonError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// TestJSONErrorsHaveOneShape: with --json, a command that fails prints
// one JSON object {"error": {"code", "message"}} on stdout, whatever went
// wrong, besides its line on stderr, and exits 1.
func TestJSONErrorsHaveOneShape(t *testing.T) {
	b := mustVisitBench(t, langVI)
	b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	if err := ops.SaveDevice(context.Background(), b.db, &ops.Device{Server: closedServer(t), Token: "t", Officer: "Lò Văn Minh", Communes: []string{"05362"}, ServerSite: "s"}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "ds.csv")
	if err := os.WriteFile(bad, []byte("Họ và tên chủ hộ,Năm sinh\nLò Văn Pó,1850\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code string
	}{
		{[]string{"import", "households", bad}, "import_bad"}, // the report, with its error
		{[]string{"sync"}, "unreachable"},
		{[]string{"household", "add", "--head-name", "Lò\x1b[2J"}, "invalid_value"},
		{[]string{"household", "add", "--birth-year", "x"}, "usage"},
		{[]string{"household", "show", "nope"}, "no_such_name"},
		{[]string{"household", "show", "12ab"}, "id_prefix"},
		{[]string{"damage", "add", "--estimated-loss-vnd", "1.5"}, "invalid_value"},
		{[]string{"export", "households"}, "usage"},
		{[]string{"nonsense"}, "usage"},
	} {
		out, errOut, code := b.hodan(t, append([]string{"--json"}, tc.args...)...)
		var e jsonError
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&e); err != nil || dec.More() || e.Error.Code != tc.code || e.Error.Message == "" {
			t.Errorf("%v: stdout %q (%v); want one JSON error of code %s", tc.args, out, err, tc.code)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n") // a warning of the fixture's clock may come first
		if code != 1 || !strings.HasPrefix(lines[len(lines)-1], "hodan: ") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and the line on stderr", tc.args, code, errOut)
		}
	}
}
