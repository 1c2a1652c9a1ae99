// Package webtest drives a real headless Chromium for the tests of Hodan's
// web pages: it starts the browser with a laptop's screen (1366×768, or
// the screen $HODAN_SCREEN names, such as 1280x720 for a training's
// projector), collects what the pages write to the console (errors, uncaught
// exceptions, refused resources, Content-Security-Policy violations), and
// keeps screenshots for people to look at.
package webtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Width and Height are the screen of the laptops officers have.
const (
	Width  = 1366
	Height = 768
)

// Browser is one headless Chromium with one tab, for one test.
type Browser struct {
	t             testing.TB
	ctx           context.Context
	width, height int // the screen's pixels

	mu      sync.Mutex
	console []string // errors and warnings the pages wrote
}

// Path finds the Chromium to run: $HODAN_CHROMIUM, then chromium,
// chromium-browser or google-chrome on the PATH. It returns "" if there is
// none.
func Path() string {
	if p := os.Getenv("HODAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a browser for t and closes it when t ends. Without a
// Chromium the test is skipped, except under CI ($CI set), where that is
// a failure: .ci/run installs Debian's chromium.
func New(t testing.TB) *Browser {
	t.Helper()
	width, height := screen(t)
	path := Path()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium on this machine: .ci/run installs Debian's chromium (apt-get install chromium)")
		}
		t.Skip("no Chromium on this machine (apt-get install chromium, or set $HODAN_CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		// The machine's network is closed: without these Chromium tries
		// Google's hosts at every start.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &Browser{t: t, ctx: ctx, width: width, height: height}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	go b.collect()
	return b
}

// screen is the screen the browser has: $HODAN_SCREEN (WIDTHxHEIGHT, e.g.
// 1280x720) if it is set, else Width×Height.
func screen(t testing.TB) (width, height int) {
	t.Helper()
	s := os.Getenv("HODAN_SCREEN")
	if s == "" {
		return Width, Height
	}
	w, h, ok := strings.Cut(s, "x")
	width, errW := strconv.Atoi(w)
	height, errH := strconv.Atoi(h)
	if !ok || errW != nil || errH != nil || width < 320 || height < 240 {
		t.Fatalf("HODAN_SCREEN=%q: want WIDTHxHEIGHT in pixels, e.g. 1280x720", s)
	}
	return width, height
}

// collect keeps the console's errors and warnings until the browser ends.
func (b *Browser) collect() {
	for msg, err := range chromedp.Console(b.ctx) {
		if err != nil {
			return
		}
		switch msg.Type {
		case chromedp.ConsoleError, chromedp.ConsoleException, chromedp.ConsoleWarning:
			b.mu.Lock()
			b.console = append(b.console, string(msg.Type)+": "+msg.String())
			b.mu.Unlock()
		}
	}
}

// Do runs actions in the tab, failing the test on an error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Run runs one action that returns a value, failing the test on an error.
func Run[T any](b *Browser, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

// Text is the visible text of the first element selector matches, once
// it exists. It is read inside the page (innerText), not through
// chromedp's node ids, which a page that just navigated (a form posted
// by Click) may have replaced: "No node with given id found".
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	expr := `(() => { const e = document.querySelector(` + strconv.Quote(selector) + `); return e ? [true, e.innerText] : [false, ""] })()`
	return Run(b, func(ctx context.Context, tg *chromedp.Target) (string, error) {
		for {
			if r, err := chromedp.Evaluate[[]any](expr)(ctx, tg); err == nil && len(r) == 2 && r[0] == true {
				s, _ := r[1].(string)
				return strings.TrimSpace(s), nil
			}
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	return Run(b, chromedp.Evaluate[T](expr))
}

// Console returns the errors and warnings the pages wrote so far.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// FitsScreen fails the test if the page is wider than the browser's
// screen: nothing must need a horizontal scroll bar at 1366×768 (or at
// $HODAN_SCREEN).
func (b *Browser) FitsScreen() {
	b.t.Helper()
	w := Eval[int](b, `document.documentElement.scrollWidth`)
	if w > b.width {
		b.t.Errorf("the page is %d pixels wide, wider than a %d×%d screen", w, b.width, b.height)
	}
}

// Screenshot saves what the screen shows as name.png: in
// $HODAN_SCREENSHOTS if it is set (README's screenshots are made so),
// else in the test's temporary directory. It returns the file's path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	return b.save(name, Run(b, chromedp.CaptureScreenshot()))
}

// FullScreenshot saves the whole page, below the screen too, as
// name.png, where Screenshot saves; it returns the file's path.
func (b *Browser) FullScreenshot(name string) string {
	b.t.Helper()
	return b.save(name, Run(b, chromedp.FullScreenshot(100)))
}

func (b *Browser) save(name string, png []byte) string {
	b.t.Helper()
	dir := os.Getenv("HODAN_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return path
}

// Click clicks the first element selector matches, once it exists, in
// one step inside the page (element.click()). chromedp's Click finds the
// node, then moves the mouse to it: a page that replaces the node in
// between (a form posting, a script re-rendering) fails it with "No node
// with given id found", and trying it again could post a form twice.
func Click(selector string) chromedp.Action[chromedp.Void] {
	expr := `(() => { const e = document.querySelector(` + strconv.Quote(selector) + `); if (!e) return false; e.click(); return true })()`
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			if ok, err := chromedp.Evaluate[bool](expr)(ctx, tg); err == nil && ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}
