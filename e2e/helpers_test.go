package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hodan/client-cli/app"
	"hodan/internal/replica"
	"hodan/server/cli"
	"hodan/server/registry"
	"hodan/syncengine"
)

// bin holds the binaries built for this run: the tests that must kill a
// process (crash_*), type at a terminal (visitnew) or check the built
// binary itself (the walkthrough, files at rest) run them; the others run
// both commands in this process (runIn, startServer).
var bin struct{ server, client string }

func TestMain(m *testing.M) {
	if problem := checkStore(); problem != "" {
		fmt.Fprintln(os.Stderr, problem)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "hodan-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.server, bin.client = filepath.Join(dir, "hodan-server"), filepath.Join(dir, "hodan")
	for out, pkg := range map[string]string{bin.server: "hodan/server", bin.client: "hodan/client-cli"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n", pkg, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running hodan-server: in this process (cli.Run, as most
// tests run it), or a process of the built binary (cmd, for a test that
// must kill it).
type server struct {
	t      *testing.T
	db     string
	url    string
	cmd    *exec.Cmd          // nil in this process
	cancel context.CancelFunc // ends serve in this process
	mu     sync.Mutex
	log    bytes.Buffer
	exited chan error
}

// startServer starts hodan-server on db in this process, on a loopback
// port the server picks itself (a port picked here and handed over could
// be taken by another test meanwhile), and waits until it listens. It is
// stopped when the test ends.
func startServer(t *testing.T, db string) *server {
	t.Helper()
	return startServerAt(t, db, "127.0.0.1:0")
}

// startServerProcess is startServer running the built binary, for a test
// that kills it.
func startServerProcess(t *testing.T, db string) *server {
	t.Helper()
	return launchServer(t, &server{t: t, db: db, cmd: &exec.Cmd{}}, "127.0.0.1:0")
}

// restart stops the server and starts it again on the same database and
// address, as after a reboot, the way it ran before.
func (s *server) restart(t *testing.T) *server {
	t.Helper()
	s.stop()
	next := &server{t: t, db: s.db}
	if s.cmd != nil {
		next.cmd = &exec.Cmd{}
	}
	return launchServer(t, next, strings.TrimPrefix(s.url, "http://"))
}

func startServerAt(t *testing.T, db, addr string, extra ...string) *server {
	t.Helper()
	return launchServer(t, &server{t: t, db: db}, addr, extra...)
}

// launchServer starts s serving on addr, in this process or, with s.cmd
// set, as a process.
func launchServer(t *testing.T, s *server, addr string, extra ...string) *server {
	t.Helper()
	s.exited = make(chan error, 1)
	args := append([]string{"serve", "--db", s.db, "--addr", addr}, extra...)
	if syncengine.IsPostgres(s.db) {
		// Its snapshots' cache, which it would keep under the system's
		// temporary directory: the test's, removed at its end.
		args = append(args, "--snapshot-dir", t.TempDir())
	}
	listening := make(chan string, 1)
	logs := &logWriter{s: s, listening: listening}
	if s.cmd != nil {
		s.cmd = exec.Command(bin.server, args...)
		s.cmd.Env = append(os.Environ(), "HODAN_LANG=en") // its log is read in English: "serving … on http…"
		s.cmd.Stderr = logs
		if err := s.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { s.exited <- s.cmd.Wait() }()
	} else {
		var ctx context.Context
		ctx, s.cancel = context.WithCancel(context.Background())
		go func() {
			getenv := func(k string) string { // its log is read in English
				if k == "HODAN_LANG" {
					return "en"
				}
				return os.Getenv(k)
			}
			s.exited <- exitStatus(cli.Run(ctx, args, cli.Env{Stdout: logs, Stderr: logs, Getenv: getenv}))
		}()
	}
	select {
	case a := <-listening:
		s.url = a
	case err := <-s.exited:
		t.Fatalf("hodan-server exited at start: %v\n%s", err, s.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("hodan-server did not start\n%s", s.output())
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("hodan-server log:\n%s", s.output())
		}
	})
	return s
}

// logWriter keeps the server's log and announces the address it serves on.
type logWriter struct {
	s         *server
	listening chan<- string
	announced bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.log.Write(p)
	if !w.announced {
		lines := strings.Split(w.s.log.String(), "\n")
		for _, line := range lines[:len(lines)-1] { // complete lines only
			if _, url, ok := strings.Cut(line, " on http"); ok && strings.HasPrefix(line, "hodan-server: serving") {
				w.listening <- "http" + url
				w.announced = true
				break
			}
		}
	}
	return len(p), nil
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop ends the server as SIGTERM does and waits for a graceful exit.
func (s *server) stop() {
	if s.exited == nil || s.cmd != nil && s.cmd.ProcessState != nil {
		return // stopped already, or killed
	}
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
	} else {
		s.cancel()
	}
	select {
	case err := <-s.exited:
		if err != nil {
			s.t.Errorf("hodan-server exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		if s.cmd != nil {
			s.cmd.Process.Kill()
		}
		s.t.Errorf("hodan-server did not stop on SIGTERM")
	}
	s.exited = nil
}

// run runs hodan-server with args and returns its standard output.
func (s *server) run(t *testing.T, args ...string) string {
	t.Helper()
	run := runCmd
	if s.cmd != nil {
		run = func(name string, args ...string) (string, string, error) { return runProcess("en", name, args...) }
	}
	out, errOut, err := run(bin.server, args...)
	if err != nil {
		t.Fatalf("hodan-server %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// enroll makes an enrollment code for officer and communes.
func (s *server) enroll(t *testing.T, officer string, communes ...string) string {
	t.Helper()
	args := []string{"enroll", "--db", s.db, "--officer", officer, "--json"}
	for _, c := range communes {
		args = append(args, "--commune", c)
	}
	var res struct{ Code string }
	mustJSON(t, s.run(t, args...), &res)
	return res.Code
}

// listedDevice is a device as hodan-server device list --json shows it.
type listedDevice struct {
	ID        string `json:"id"`
	Officer   string `json:"officer"`
	RevokedAt string `json:"revoked_at"`
}

// devices lists the devices the server has enrolled, revoked ones too.
func (s *server) devices(t *testing.T) []listedDevice {
	t.Helper()
	var devices []listedDevice
	mustJSON(t, s.run(t, "device", "list", "--db", s.db, "--json"), &devices)
	return devices
}

// digest is the server's digest of commune, read while it runs.
func (s *server) digest(t *testing.T, commune string) string {
	t.Helper()
	var res struct{ Digest string }
	mustJSON(t, s.run(t, "digest", "--db", s.db, "--commune", commune, "--json"), &res)
	return res.Digest
}

// logLength is how many changes the server's log holds.
func (s *server) logLength(t *testing.T) int {
	t.Helper()
	db, err := replica.Open(context.Background(), s.db, replica.Options{ReadOnly: true, Migrations: registry.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	changes, _, err := db.ReadLog(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return len(changes)
}

// device is an officer's laptop: hodan on its own database, run in this
// process (app.Run), or as the built binary when process is set.
type device struct {
	db      string
	process bool
}

func newDevice(t *testing.T, name string) *device {
	return &device{db: filepath.Join(t.TempDir(), name+".db")}
}

// enrolledProcess is enrolled for a laptop that runs the built binary.
func enrolledProcess(t *testing.T, s *server, name, officer string, communes ...string) *device {
	t.Helper()
	d := &device{db: filepath.Join(t.TempDir(), name+".db"), process: true}
	d.run(t, "init", "--server", s.url, "--enroll", s.enroll(t, officer, communes...))
	return d
}

// enrolled returns a device enrolled with s for communes.
func enrolled(t *testing.T, s *server, name, officer string, communes ...string) *device {
	t.Helper()
	d := newDevice(t, name)
	d.run(t, "init", "--server", s.url, "--enroll", s.enroll(t, officer, communes...))
	return d
}

// run runs hodan --json with args on the device's database, fails the test
// unless it succeeds, and returns its standard output.
func (d *device) run(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := d.try(args...)
	if err != nil {
		t.Fatalf("hodan %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func (d *device) try(args ...string) (stdout, stderr string, err error) {
	args = append([]string{"--db", d.db, "--json"}, args...)
	if d.process {
		return runProcess("en", bin.client, args...)
	}
	return runCmd(bin.client, args...)
}

// fail runs a command that must be refused, with exit status 1 and one
// line on stderr that says says (part of the reason, so that a refusal for
// another reason fails the test), and returns that line.
func (d *device) fail(t *testing.T, says string, args ...string) string {
	t.Helper()
	_, errOut, err := d.try(args...)
	if code := exitCode(err); code != 1 {
		t.Fatalf("hodan %s: err = %v, want exit status 1", strings.Join(args, " "), err)
	}
	line := strings.TrimSpace(errOut)
	if lines := strings.Split(line, "\n"); len(lines) != 1 || lines[0] == "" {
		t.Fatalf("hodan %s: stderr is not one line:\n%s", strings.Join(args, " "), errOut)
	}
	if !strings.Contains(line, says) {
		t.Errorf("hodan %s was refused with %q; want a refusal saying %q", strings.Join(args, " "), line, says)
	}
	return line
}

// add records a row and returns its id.
func (d *device) add(t *testing.T, noun string, flags ...string) string {
	t.Helper()
	var res struct{ ID string }
	mustJSON(t, d.run(t, append([]string{noun, "add"}, flags...)...), &res)
	if res.ID == "" {
		t.Fatalf("hodan %s add printed no id", noun)
	}
	return res.ID
}

// sync syncs and returns what moved.
func (d *device) sync(t *testing.T, extra ...string) syncengine.SyncResult {
	t.Helper()
	var res syncengine.SyncResult
	mustJSON(t, d.run(t, append([]string{"sync"}, extra...)...), &res)
	return res
}

func (d *device) digest(t *testing.T, commune string) string {
	t.Helper()
	var res struct{ Digest string }
	mustJSON(t, d.run(t, "digest", "--commune", commune), &res)
	return res.Digest
}

// show returns one row as a map of column to value.
func (d *device) show(t *testing.T, noun, id string) map[string]any {
	t.Helper()
	row := map[string]any{}
	mustJSON(t, d.run(t, noun, "show", id), &row)
	return row
}

// list returns the rows of a noun.
func (d *device) list(t *testing.T, noun string, flags ...string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	mustJSON(t, d.run(t, append([]string{noun, "list"}, flags...)...), &rows)
	return rows
}

func (d *device) status(t *testing.T) map[string]any {
	t.Helper()
	st := map[string]any{}
	mustJSON(t, d.run(t, "status"), &st)
	return st
}

// writeDirect runs fn in one write transaction on d's database, through
// the engine in this process: records hodan itself would not write, or
// would take minutes to type in.
func (d *device) writeDirect(t *testing.T, fn func(tx *syncengine.Tx) error) {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, d.db, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// runCmd runs hodan or hodan-server (bin.client, bin.server) with args,
// in English: the tests read their messages in English unless they say
// otherwise (see runIn).
func runCmd(name string, args ...string) (string, string, error) {
	return runIn("en", name, args...)
}

// runIn runs hodan or hodan-server with args, in this process, with the
// environment a process of it would have (this one's) but for its
// language, chosen only by HODAN_LANG=lang or, for lang "", by nothing at
// all: hodan's default. A failure is an error with the exit status
// (exitCode).
func runIn(lang, name string, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	getenv := func(key string) string {
		switch key {
		case "HODAN_DB", "LC_ALL", "LC_MESSAGES", "LANG":
			return ""
		case "HODAN_LANG":
			return lang
		}
		return os.Getenv(key)
	}
	var code int
	switch name {
	case bin.client:
		code = app.Run(context.Background(), args, app.Env{Stdout: &out, Stderr: &errOut, Getenv: getenv})
	case bin.server:
		code = cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errOut, Getenv: getenv})
	default:
		return runProcess(lang, name, args...)
	}
	return out.String(), errOut.String(), exitStatus(code)
}

// runProcess is runIn running the built binary name in a process of its
// own.
func runProcess(lang, name string, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "HODAN_DB=", "HODAN_LANG="+lang, "LC_ALL=", "LC_MESSAGES=", "LANG=")
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// exitError is a command run in this process that failed, with its exit
// status, as *exec.ExitError is one run as a process.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
func (e exitError) ExitCode() int { return int(e) }

// exitStatus is nil for status 0, else an exitError.
func exitStatus(code int) error {
	if code == 0 {
		return nil
	}
	return exitError(code)
}

// exitCode is the exit status err says, wherever the command ran: 0 for
// nil, -1 for an error that says none.
func exitCode(err error) int {
	var exit interface{ ExitCode() int }
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	return -1
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not the JSON expected: %v\n%s", err, s)
	}
}

// ids returns the ids of rows.
func ids(rows []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		out[r["id"].(string)] = true
	}
	return out
}

// The communes the tests use: Lạc Lương (Hòa Bình, now Phú Thọ) and Cẩm
// Giàng (Bắc Kạn, now Thái Nguyên), both reorganised on 1 July 2025.
const (
	lacLuong = "05362"
	camGiang = "02008"
)
