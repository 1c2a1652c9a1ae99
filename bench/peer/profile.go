package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// profile writes CPU profiles of Hodan's push of the commune, of the sync
// with nothing to do after it, and of a new laptop's first sync
// (bootstrap, with the client's defaults), each as laptop-STEP.prof (the sync
// run in this process: the CLI's code, without process start) and
// server-STEP.prof (hodan-server --cpuprofile, started for that step), in
// dir. Read them with go tool pprof -top.
func profile(ctx context.Context, cfg config, fx fixture, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"srv.db", "a.db"} {
		if err := copyFile(filepath.Join(fx.dir, f), filepath.Join(dir, f)); err != nil {
			return err
		}
	}
	for _, name := range []string{"push", "idle", "bootstrap"} {
		if err := profileSync(ctx, cfg, fx, dir, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	fmt.Fprintf(os.Stderr, "profiles in %s: go tool pprof -top %s\n", dir, filepath.Join(dir, "laptop-push.prof"))
	return nil
}

func profileSync(ctx context.Context, cfg config, fx fixture, dir, name string) error {
	srv, err := startServer(ctx, cfg.bin, filepath.Join(dir, "srv.db"), dir, "--cpuprofile", filepath.Join(dir, "server-"+name+".prof"))
	if err != nil {
		return err
	}
	defer srv.stop()
	px, err := startProxy(fmt.Sprintf("127.0.0.1:%d", fx.port), srv.addr)
	if err != nil {
		return err
	}
	defer px.close()
	laptop := filepath.Join(dir, "a.db")
	if name == "bootstrap" {
		laptop = filepath.Join(dir, "b.db")
		code, err := enroll(ctx, cfg.bin, filepath.Join(dir, "srv.db"), "Hà Thị Lan")
		if err != nil {
			return err
		}
		if _, err := hodanIn(ctx, laptop, "init", "--server", fmt.Sprintf("http://127.0.0.1:%d", fx.port), "--enroll", code); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, "laptop-"+name+".prof"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	_, err = hodanIn(ctx, laptop, append([]string{"sync"}, cfg.syncFlags...)...)
	pprof.StopCPUProfile()
	return err
}
