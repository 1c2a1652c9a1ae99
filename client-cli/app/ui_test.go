package app

import (
	"context"
	"io"
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
	getenv := func(k string) string {
		if k == "HODAN_DB" {
			return filepath.Join(dir, "hodan.db")
		}
		return ""
	}
	var out, errs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	go func() {
		exited <- Run(ctx, []string{"ui", "--no-browser"}, Env{Stdout: &out, Stderr: &errs, Getenv: getenv})
	}()
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	for !addr.MatchString(out.String()) {
		select {
		case code := <-exited:
			t.Fatalf("hodan ui exited %d: %s", code, errs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	base := addr.FindString(out.String())
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

// TestUIRefusesAnAddressOffThisLaptop: hodan ui serves on loopback only.
func TestUIRefusesAnAddressOffThisLaptop(t *testing.T) {
	var out, errs lockedBuffer
	getenv := func(k string) string {
		if k == "HODAN_DB" {
			return filepath.Join(t.TempDir(), "hodan.db")
		}
		return ""
	}
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
