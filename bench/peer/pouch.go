package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// runPouch runs PouchDB's steps once: one node process (peer.js) serving
// and replicating, its replicas reaching its server through a proxy.
func runPouch(ctx context.Context, cfg config) (result, error) {
	res := result{Load: loadavg(), Steps: map[string]step{}}
	port, err := freePort()
	if err != nil {
		return res, err
	}
	px, err := startProxy("127.0.0.1:0", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return res, err
	}
	defer px.close()
	peer, err := filepath.Abs(cfg.peer)
	if err != nil {
		return res, err
	}
	cmd := exec.CommandContext(ctx, "node", "peer.js", strconv.Itoa(cfg.households), strconv.Itoa(port), strconv.Itoa(px.port()))
	cmd.Dir, cmd.Stderr = peer, os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return res, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return res, err
	}
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("node peer.js (run npm ci in %s): %w", peer, err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := bufio.NewScanner(stdout)
	answer := func() (map[string]any, error) {
		if !lines.Scan() {
			return nil, fmt.Errorf("node peer.js stopped (npm ci in %s?)", peer)
		}
		var m map[string]any
		return m, json.Unmarshal(lines.Bytes(), &m)
	}
	if _, err := answer(); err != nil { // ready
		return res, err
	}
	for _, name := range []string{"push", "edits", "idle", "bootstrap"} {
		up0, down0 := px.counts()
		fmt.Fprintln(stdin, name)
		m, err := answer()
		if err != nil {
			return res, err
		}
		up, down := px.counts()
		s, _ := m["s"].(float64)
		c, _ := m["cpu_s"].(float64)
		res.Steps[name] = step{S: s, CPU: c, Up: up - up0, Down: down - down0}
		if name == "bootstrap" {
			docs, _ := m["docs"].(float64)
			res.OK = int(docs) == cfg.households
		}
	}
	fmt.Fprintln(stdin, "quit")
	return res, nil
}
