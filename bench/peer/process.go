package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// timing is what one process, or one step, cost: wall time and CPU.
type timing struct {
	wall, cpu time.Duration
}

// command runs a program to its end and returns its standard output and
// what it cost (its CPU, from the kernel's accounting of the process).
func command(ctx context.Context, name string, args ...string) ([]byte, timing, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	t := timing{wall: time.Since(t0)}
	if cmd.ProcessState != nil {
		t.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return nil, t, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), t, nil
}

// freePort is a loopback port nobody listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// server is a hodan-server process serving a database on loopback.
type server struct {
	cmd  *exec.Cmd
	addr string
	log  string
}

// startServer starts `hodan-server serve` on db, with flags added, and
// waits until it answers.
func startServer(ctx context.Context, bin, db, dir string, flags ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{addr: fmt.Sprintf("127.0.0.1:%d", port), log: filepath.Join(dir, fmt.Sprintf("server-%d.log", port))}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	args := append([]string{"serve", "--db", db, "--addr", s.addr, "--snapshot-dir", filepath.Join(dir, fmt.Sprintf("snapshots-%d", port))}, flags...)
	s.cmd = exec.CommandContext(ctx, filepath.Join(bin, "hodan-server"), args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start hodan-server: %w", err)
	}
	for range 400 {
		if resp, err := http.Get("http://" + s.addr + "/v1/health"); err == nil {
			resp.Body.Close()
			return s, nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("hodan-server did not answer on %s (see %s)", s.addr, s.log)
}

// cpu is the CPU the server process has used so far.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// fields after the command's name, which is in parentheses: utime and
	// stime are the 12th and 13th of them, in clock ticks (100 a second)
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// stop ends the server the way an operator does (SIGTERM: it finishes
// what it is doing) and waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}
