package e2e

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadmeWalkthrough runs README.md's walkthrough as written, so that
// it cannot drift from what the binaries do. Its shell blocks (```sh) run
// in order in one bash, with `set -euo pipefail`, from a folder that has
// the built binaries in bin/ and the repository's examples/. The block
// marked ```sh server (`make serve`, which the reader runs in a terminal
// of its own) is the server this test starts in walkthrough/, as make
// serve does; the one change the test makes to what README says is the
// port, a free one instead of 8080.
func TestReadmeWalkthrough(t *testing.T) {
	sqliteOnly(t, "TestWalkthrough; README's serves the default store, a file, as make serve does")
	server, script := readmeWalkthrough(t)
	if len(server) != 1 || strings.TrimSpace(server[0]) != "make serve" {
		t.Fatalf("README's walkthrough starts the server with %q; this test knows `make serve`", server)
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "walkthrough"), 0o755))
	must(os.Symlink(bin.server, filepath.Join(dir, "bin", "hodan-server")))
	must(os.Symlink(bin.client, filepath.Join(dir, "bin", "hodan")))
	examples, err := filepath.Abs("../examples")
	must(err)
	must(os.Symlink(examples, filepath.Join(dir, "examples")))

	addr := freeAddr(t)
	srv := exec.Command(bin.server, "serve", "--addr", addr)
	srv.Dir = filepath.Join(dir, "walkthrough")
	var srvLog strings.Builder
	srv.Stderr = &srvLog
	srv.Env = append(os.Environ(), "HODAN_DB=")
	must(srv.Start())
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	waitHealthy(t, "http://"+addr)

	sh := exec.Command("bash", "-c", "set -euo pipefail -x\n"+strings.ReplaceAll(strings.Join(script, "\n"), "127.0.0.1:8080", addr))
	sh.Dir = dir
	sh.Env = append(os.Environ(), "HOME="+dir, "HODAN_DB=", "HODAN_LANG=", "LC_ALL=", "LANG=")
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("README's walkthrough failed: %v\n%s\nserver:\n%s", err, out, srvLog.String())
	}
	for _, want := range []string{"walkthrough/bao-cao.xlsx", "walkthrough/minh.db", "walkthrough/lan.db", "walkthrough/hodan-server.db"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("after the walkthrough: %v", err)
		}
	}
	if !strings.Contains(string(out), "Đã gửi") {
		t.Errorf("the walkthrough's syncs said nothing in Vietnamese:\n%s", out)
	}
}

// readmeWalkthrough returns the shell blocks of README.md's Walkthrough
// section: those marked "sh server", and the others marked "sh".
func readmeWalkthrough(t *testing.T) (server, script []string) {
	t.Helper()
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, block, kind := false, []string(nil), ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Walkthrough"
		case !in:
		case kind == "" && (line == "```sh" || line == "```sh server"):
			kind, block = line, nil
		case kind != "" && line == "```":
			if kind == "```sh server" {
				server = append(server, strings.Join(block, "\n"))
			} else {
				script = append(script, strings.Join(block, "\n"))
			}
			kind = ""
		case kind != "":
			block = append(block, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(script) == 0 {
		t.Fatal("README.md has no ```sh blocks in its Walkthrough section")
	}
	return server, script
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url + "/v1/health"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server at %s did not answer", url)
}
