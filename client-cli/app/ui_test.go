package app

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestUIServesOnLoopbackWithItsSecret runs `hodan ui --no-browser`: it
// prints its address, writes the page with the secret where only the
// officer reads it, answers that page with a session and any other
// request without one with 403, and on its end removes the page.
func TestUIServesOnLoopbackWithItsSecret(t *testing.T) {
	dir := t.TempDir()
	ui := startUI(t, dir)
	out, errs, cancel, exited, base := &ui.out, &ui.errs, ui.cancel, ui.exited, ui.base
	opener := filepath.Join(dir, "hodan-ui.html")
	if !strings.Contains(out.String(), opener) {
		t.Errorf("the output does not say where the page that opens the app is:\n%s", out.String())
	}
	info, err := os.Stat(opener)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the page with the secret is %v, want -rw-------", info.Mode().Perm())
	}
	page, _ := os.ReadFile(opener)
	open := regexp.MustCompile(`http://127\.0\.0\.1:\d+/open\?s=[A-Za-z0-9_-]+`).FindString(string(page))
	if open == "" || strings.Contains(out.String(), open) {
		t.Fatalf("the secret's address %q: missing from the page or printed", open)
	}
	if code := get(t, nil, base+"/"); code != http.StatusForbidden {
		t.Errorf("GET / without the secret: %d, want 403", code)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if code := get(t, browser, open); code != http.StatusOK {
		t.Errorf("GET the secret's address: %d, want 200", code)
	}
	if code := get(t, browser, base+"/enroll"); code != http.StatusOK {
		t.Errorf("GET /enroll with the session: %d, want 200", code)
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Errorf("hodan ui exited %d after its end: %s", code, errs.String())
	}
	if _, err := os.Stat(opener); !os.IsNotExist(err) {
		t.Errorf("the page with the secret is left behind: %v", err)
	}
}

// dbEnv is an environment that names the database at path, and nothing
// else.
func dbEnv(path string) func(string) string {
	return func(k string) string {
		if k == "HODAN_DB" {
			return path
		}
		return ""
	}
}

// runningUI is a `hodan ui --no-browser` run in this process.
type runningUI struct {
	out, errs lockedBuffer
	cancel    context.CancelFunc
	exited    chan int
	base      string // the address it serves on
}

// startUI runs `hodan ui --no-browser` on the database in dir, with args,
// until t ends, and waits until it says its address.
func startUI(t *testing.T, dir string, args ...string) *runningUI {
	t.Helper()
	getenv := dbEnv(filepath.Join(dir, "hodan.db"))
	ui := &runningUI{exited: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	ui.cancel = cancel
	go func() {
		ui.exited <- Run(ctx, append([]string{"ui", "--no-browser"}, args...), Env{Stdout: &ui.out, Stderr: &ui.errs, Getenv: getenv})
	}()
	t.Cleanup(cancel)
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	for !addr.MatchString(ui.out.String()) {
		select {
		case code := <-ui.exited:
			if !addr.MatchString(ui.out.String()) {
				t.Fatalf("hodan ui exited %d: %s", code, ui.errs.String())
			}
			ui.exited <- code // it said an address, then ended
		case <-time.After(20 * time.Millisecond):
		}
	}
	ui.base = addr.FindString(ui.out.String())
	return ui
}

// TestUIStartedTwiceOpensTheFirst: a second `hodan ui` on the same
// database (the officer clicks Hodan.cmd again) does not serve a second
// app on it: it says the first's address, opens it again and ends, and
// leaves the first's page with the secret where it was.
func TestUIStartedTwiceOpensTheFirst(t *testing.T) {
	dir := t.TempDir()
	first := startUI(t, dir)
	opener := filepath.Join(dir, "hodan-ui.html")
	page, _ := os.ReadFile(opener)
	second := startUI(t, dir)
	if second.base != first.base {
		t.Errorf("a second hodan ui serves at %s, the first at %s", second.base, first.base)
	}
	select {
	case code := <-second.exited:
		if code != 0 {
			t.Errorf("the second hodan ui exited %d: %s", code, second.errs.String())
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the second hodan ui still runs")
		second.cancel()
		<-second.exited
	}
	if now, _ := os.ReadFile(opener); string(now) != string(page) {
		t.Errorf("the first's page with the secret was replaced or removed:\n%s", now)
	}
}

// TestUIRefusesAnAddressOffThisLaptop: hodan ui serves on loopback only.
func TestUIRefusesAnAddressOffThisLaptop(t *testing.T) {
	var out, errs lockedBuffer
	getenv := dbEnv(filepath.Join(t.TempDir(), "hodan.db"))
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080"} {
		if code := Run(context.Background(), []string{"ui", "--no-browser", "--addr", addr}, Env{Stdout: &out, Stderr: &errs, Getenv: getenv}); code != 1 {
			t.Errorf("--addr %s: exit %d, want 1", addr, code)
		}
	}
	if !strings.Contains(errs.String(), "127.0.0.1") {
		t.Errorf("the refusal does not say what to use: %s", errs.String())
	}
}

func get(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestUIOnAPortTaken: --addr names a port another program listens on:
// hodan ui ends with 1, saying what to do (start it without --addr).
func TestUIOnAPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	go http.Serve(taken, http.NotFoundHandler()) // not a hodan ui
	var out, errs lockedBuffer
	getenv := dbEnv(filepath.Join(t.TempDir(), "hodan.db"))
	if code := Run(context.Background(), []string{"ui", "--no-browser", "--addr", taken.Addr().String()}, Env{Stdout: &out, Stderr: &errs, Getenv: getenv}); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errs.String(), "không có --addr") {
		t.Errorf("the refusal does not say what to do: %s", errs.String())
	}
}

// TestUIRemovesItsSecretFirstOnItsEnd: told to end (Ctrl+C, the window
// closed — Windows kills the process a few seconds later) while a
// request is under way, hodan ui removes its page with the secret at once,
// before it waits for the request.
func TestUIRemovesItsSecretFirstOnItsEnd(t *testing.T) {
	dir := t.TempDir()
	ui := startUI(t, dir)
	opener := filepath.Join(dir, "hodan-ui.html")
	page, _ := os.ReadFile(opener)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if code := get(t, browser, regexp.MustCompile(`http://[^"]+/open\?s=[A-Za-z0-9_-]+`).FindString(string(page))); code != http.StatusOK {
		t.Fatalf("open: %d", code)
	}
	// A form whose body comes slowly: the app waits for it.
	body, more := io.Pipe()
	defer more.Close()
	req, _ := http.NewRequest(http.MethodPost, ui.base+"/records/villages/new", body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", ui.base)
	go browser.Do(req)
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	more.Write(chunk)
	more.Write(chunk)
	time.Sleep(300 * time.Millisecond) // let the request reach the app, which waits for the rest
	ui.cancel()
	for deadline := time.Now().Add(5 * time.Second); ; {
		if _, err := os.Stat(opener); os.IsNotExist(err) {
			break
		}
		select {
		case code := <-ui.exited:
			t.Fatalf("hodan ui ended (%d) before it removed its page with the secret", code)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the page with the secret stays while hodan ui waits for a request")
		}
	}
	more.Close()
	<-ui.exited
}
