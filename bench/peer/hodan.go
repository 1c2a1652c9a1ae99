package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// hodanRound is one round of Hodan's side: copies of the fixture's
// databases, a hodan-server on them, and a proxy on the port laptop a was
// enrolled with.
type hodanRound struct {
	cfg config
	fx  fixture
	dir string
	srv *server
	px  *proxy
	res result
}

// runHodan runs Hodan's steps once.
func runHodan(ctx context.Context, cfg config, fx fixture) (result, error) {
	dir, err := os.MkdirTemp("", "hodan-peer-run-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	h := &hodanRound{cfg: cfg, fx: fx, dir: dir, res: result{Load: loadavg(), Steps: map[string]step{}}}
	for _, f := range []string{"srv.db", "a.db"} {
		if err := copyFile(filepath.Join(fx.dir, f), filepath.Join(dir, f)); err != nil {
			return h.res, err
		}
	}
	if h.srv, err = startServer(ctx, cfg.bin, h.db("srv"), dir); err != nil {
		return h.res, err
	}
	defer func() { h.srv.stop() }()
	if h.px, err = startProxy(fmt.Sprintf("127.0.0.1:%d", fx.port), h.srv.addr); err != nil {
		return h.res, fmt.Errorf("%w: laptop a of the fixture was enrolled with this port; free it, or remove %s to build the fixture again", err, fx.dir)
	}
	defer h.px.close()
	return h.res, h.steps(ctx)
}

func (h *hodanRound) steps(ctx context.Context) error {
	if err := h.sync("push", "a"); err != nil {
		return err
	}
	for _, e := range h.fx.edits { // a day's edits, not timed
		if _, _, err := h.hodan(ctx, "a", "household", "set", e[0], "poverty_status=escaped_poverty", "phone=0912345678"); err != nil {
			return err
		}
		if _, _, err := h.hodan(ctx, "a", "member", "set", e[1], "health_insurance=no"); err != nil {
			return err
		}
	}
	if err := h.sync("edits", "a"); err != nil {
		return err
	}
	if err := h.sync("idle", "a"); err != nil {
		return err
	}
	if err := h.bootstrap(ctx, "bootstrap", "b"); err != nil {
		return err
	}
	if err := h.bootstrap(ctx, "bootstrap_snapshot", "c", "--snapshot"); err != nil {
		return err
	}
	ok := true
	for _, laptop := range []string{"a", "b", "c"} {
		same, err := h.sameDigest(ctx, laptop)
		if err != nil {
			return err
		}
		ok = ok && same
	}
	h.res.OK = ok
	return h.writes(ctx)
}

func (h *hodanRound) db(name string) string { return filepath.Join(h.dir, name+".db") }

// hodan runs the hodan binary on laptop's database.
func (h *hodanRound) hodan(ctx context.Context, laptop string, args ...string) ([]byte, timing, error) {
	args = append([]string{"--lang", "en", "--db", h.db(laptop), "--json"}, args...)
	return command(ctx, filepath.Join(h.cfg.bin, "hodan"), args...)
}

// sync times `hodan sync` (flags added) on laptop as step name.
func (h *hodanRound) sync(name, laptop string, flags ...string) error {
	up0, down0 := h.px.counts()
	cpu0 := h.srv.cpu()
	_, t, err := h.hodan(context.Background(), laptop, append([]string{"sync"}, flags...)...)
	if err != nil {
		return err
	}
	up, down := h.px.counts()
	h.res.Steps[name] = step{S: t.wall.Seconds(), CPU: t.cpu.Seconds(), ServerCPU: (h.srv.cpu() - cpu0).Seconds(), Up: up - up0, Down: down - down0}
	return nil
}

// bootstrap enrolls a new laptop and times its first sync, started right
// after `hodan init` as a script (or an impatient officer) would: the
// server starts building the commune's snapshot when the laptop enrolls,
// and the sync may find it being built.
func (h *hodanRound) bootstrap(ctx context.Context, name, laptop string, flags ...string) error {
	code, err := enroll(ctx, h.cfg.bin, h.db("srv"), "Hà Thị Lan "+laptop)
	if err != nil {
		return err
	}
	if _, _, err := h.hodan(ctx, laptop, "init", "--server", fmt.Sprintf("http://127.0.0.1:%d", h.fx.port), "--enroll", code); err != nil {
		return err
	}
	return h.sync(name, laptop, flags...)
}

// sameDigest says whether laptop's digest of the commune is the server's.
func (h *hodanRound) sameDigest(ctx context.Context, laptop string) (bool, error) {
	var mine, theirs struct{ Digest string }
	out, _, err := h.hodan(ctx, laptop, "digest", "--commune", commune)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(out, &mine); err != nil {
		return false, err
	}
	if out, _, err = command(ctx, filepath.Join(h.cfg.bin, "hodan-server"), "digest", "--db", h.db("srv"), "--commune", commune, "--json"); err != nil {
		return false, err
	}
	if err := json.Unmarshal(out, &theirs); err != nil {
		return false, err
	}
	if mine.Digest == "" || mine.Digest != theirs.Digest {
		h.res.Note += fmt.Sprintf("laptop %s's digest %q is not the server's %q; ", laptop, mine.Digest, theirs.Digest)
		return false, nil
	}
	return true, nil
}

// writeCount is how many `hodan household add` processes step "write"
// runs; it reports their median.
const writeCount = 21

// writes times `hodan household add` as a whole process on a copy of
// laptop a (N households): what an officer waits for at each command.
func (h *hodanRound) writes(ctx context.Context) error {
	if err := copyFile(h.db("a"), h.db("w")); err != nil {
		return err
	}
	var walls, cpus []time.Duration
	for i := range writeCount {
		_, t, err := h.hodan(ctx, "w", "household", "add", "--commune-code", commune, "--village-id", h.fx.village,
			"--head-name", "Lò Văn Tú "+strconv.Itoa(i), "--head-birth-year", "1970", "--head-sex", "male", "--ethnicity-code", "06",
			"--poverty-status", "poor", "--housing-condition", "makeshift", "--water-source", "spring", "--hygienic-latrine", "yes",
			"--phone", "0912000000", "--address", "Thôn 1")
		if err != nil {
			return err
		}
		walls, cpus = append(walls, t.wall), append(cpus, t.cpu)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	h.res.Steps["write"] = step{S: walls[writeCount/2].Seconds(), CPU: cpus[writeCount/2].Seconds()}
	return nil
}

// copyFile copies a SQLite database file no process has open, and its
// write-ahead log if one was left.
func copyFile(from, to string) error {
	if _, err := os.Stat(from + "-wal"); err == nil {
		if err := copyOne(from+"-wal", to+"-wal"); err != nil {
			return err
		}
	}
	return copyOne(from, to)
}

func copyOne(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
