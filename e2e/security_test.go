package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tlsFiles makes a district CA and a server certificate for host in a new
// directory, with `hodan-server tls init`, and returns the directory.
func tlsFiles(t *testing.T, host string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tls")
	out, errOut, err := runCmd(bin.server, "tls", "init", "--host", host, "--out", dir)
	if err != nil {
		t.Fatalf("hodan-server tls init: %v\n%s", err, errOut)
	}
	for _, f := range []string{"ca.pem", "ca-key.pem", "server.pem", "server-key.pem"} {
		if !strings.Contains(out, filepath.Join(dir, f)) {
			t.Errorf("tls init did not report %s:\n%s", f, out)
		}
	}
	for _, key := range []string{"ca-key.pem", "server-key.pem"} {
		assertOwnerOnly(t, filepath.Join(dir, key))
	}
	return dir
}

// startTLSServer starts hodan-server over HTTPS with the certificate in dir.
func startTLSServer(t *testing.T, dir string) *server {
	t.Helper()
	db := serverDB(t)
	s := startServerAt(t, db, "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "server.pem"), "--tls-key", filepath.Join(dir, "server-key.pem"))
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("server with --tls-cert announces %s, want an https:// address", s.url)
	}
	return s
}

func assertOwnerOnly(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("%s has mode %v: want readable by its owner only", filepath.Base(path), perm)
	}
}

func TestSyncOverTLSWithAPinnedCA(t *testing.T) {
	t.Parallel()
	dir := tlsFiles(t, "127.0.0.1")
	srv := startTLSServer(t, dir)
	ca := filepath.Join(dir, "ca.pem")

	a := newDevice(t, "a")
	a.run(t, "init", "--server", srv.url, "--ca", ca, "--enroll", srv.enroll(t, "Lò Văn Minh", lacLuong))
	a.add(t, "household", "--head-name", "Lò Văn Pọm", "--head-birth-year", "1975", "--head-sex", "male", "--ethnicity-code", "04", "--poverty-status", "poor")
	if res := a.sync(t); res.Pushed == 0 {
		t.Fatalf("sync over TLS pushed nothing: %+v", res)
	}
	if got, want := a.digest(t, lacLuong), srv.digest(t, lacLuong); got != want {
		t.Errorf("device digest %s, server's %s", got, want)
	}

	// A laptop that does not trust the district's CA refuses the server
	// before sending anything, and is left unenrolled.
	other := tlsFiles(t, "127.0.0.1")
	for name, args := range map[string][]string{
		"system roots": {},
		"another CA":   {"--ca", filepath.Join(other, "ca.pem")},
	} {
		t.Run(name, func(t *testing.T) {
			d := newDevice(t, "d")
			code := srv.enroll(t, "Hà Văn Chung", lacLuong)
			d.fail(t, "not signed by the certificate authority", append([]string{"init", "--server", srv.url, "--enroll", code}, args...)...)
			d.fail(t, "not enrolled", "status")
			// The code was not spent: a laptop that trusts the CA uses it.
			newDevice(t, "e").run(t, "init", "--server", srv.url, "--ca", ca, "--enroll", code)
		})
	}

	t.Run("certificate for another name", func(t *testing.T) {
		wrong := tlsFiles(t, "hodan.huyen.example")
		s := startTLSServer(t, wrong)
		newDevice(t, "f").fail(t, "certificate is not for 127.0.0.1", "init", "--server", s.url, "--ca", filepath.Join(wrong, "ca.pem"), "--enroll", s.enroll(t, "Hà Văn Chung", lacLuong))
	})

	t.Run("https to a plain server", func(t *testing.T) {
		plain := startServer(t, serverDB(t))
		url := strings.Replace(plain.url, "http://", "https://", 1)
		newDevice(t, "g").fail(t, "does not speak https", "init", "--server", url, "--enroll", plain.enroll(t, "Hà Văn Chung", lacLuong))
	})
}

func TestTLSFlagsAreChecked(t *testing.T) {
	t.Parallel()
	dir := tlsFiles(t, "127.0.0.1")
	junk := filepath.Join(t.TempDir(), "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "s.db")
	for name, args := range map[string][]string{
		"cert without key": {"serve", "--db", db, "--tls-cert", filepath.Join(dir, "server.pem")},
		"key without cert": {"serve", "--db", db, "--tls-key", filepath.Join(dir, "server-key.pem")},
		"junk cert":        {"serve", "--db", db, "--tls-cert", junk, "--tls-key", filepath.Join(dir, "server-key.pem")},
		"cert of another key": {"serve", "--db", db, "--tls-cert", filepath.Join(dir, "server.pem"),
			"--tls-key", filepath.Join(dir, "ca-key.pem")},
		"tls init over existing files": {"tls", "init", "--host", "127.0.0.1", "--out", dir},
		"tls init without a host":      {"tls", "init", "--out", t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, err := runCmd(bin.server, args...)
			if exitCode(err) != 1 || !strings.HasPrefix(errOut, "hodan-server: ") {
				t.Errorf("hodan-server %s: %v, stderr %q; want exit 1 and a message", strings.Join(args, " "), err, errOut)
			}
		})
	}
	d := newDevice(t, "a")
	for name, args := range map[string][]string{
		"ca that is not PEM": {"--server", "https://127.0.0.1:1", "--ca", junk},
		"ca that is missing": {"--server", "https://127.0.0.1:1", "--ca", filepath.Join(dir, "nothing.pem")},
		"ca with http":       {"--server", "http://127.0.0.1:1", "--ca", filepath.Join(dir, "ca.pem")},
	} {
		t.Run(name, func(t *testing.T) {
			d.fail(t, "--ca", append([]string{"init", "--enroll", "AAAAA-AAAAA-AAAAA"}, args...)...)
		})
	}
}

func TestRevokedLaptopIsToldToEnrollAgainAndKeepsItsRecords(t *testing.T) {
	t.Parallel()
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	a.add(t, "household", "--head-name", "Lò Văn Pọm", "--head-birth-year", "1975", "--head-sex", "male", "--ethnicity-code", "04", "--poverty-status", "poor")
	a.sync(t)
	synced := srv.digest(t, lacLuong)
	site := a.status(t)["site_id"].(string)

	devices := srv.devices(t)
	if len(devices) != 1 || devices[0].ID != site || devices[0].Officer != "Lò Văn Minh" || devices[0].RevokedAt != "" {
		t.Fatalf("device list: %+v; want the one active device %s", devices, site)
	}
	// Revoked while the server runs, by the first characters of its id.
	srv.run(t, "device", "revoke", site[:8], "--db", srv.db)
	devices = srv.devices(t)
	if len(devices) != 1 || devices[0].RevokedAt == "" {
		t.Fatalf("device list after revoke: %+v", devices)
	}

	// Recording goes on offline; the sync is refused with what to do.
	pending := a.add(t, "household", "--head-name", "Lò Thị Xuân", "--head-birth-year", "1980", "--head-sex", "female", "--ethnicity-code", "04", "--poverty-status", "near_poor")
	if msg := a.fail(t, "revoked", "sync"); !strings.Contains(msg, "hodan init") {
		t.Errorf("sync of a revoked laptop: %q; want it to say the laptop was revoked and to run hodan init", msg)
	}
	if got := srv.digest(t, lacLuong); got != synced {
		t.Errorf("the server's data changed after the revocation")
	}

	// Enrolled again with a new code, on the same database: the pending
	// record syncs and nothing is lost.
	var res struct{ Reenrolled bool }
	mustJSON(t, a.run(t, "init", "--server", srv.url, "--enroll", srv.enroll(t, "Lò Văn Minh", lacLuong)), &res)
	if !res.Reenrolled {
		t.Errorf("init on a revoked laptop's database did not say it enrolled again")
	}
	if r := a.sync(t); r.Pushed == 0 {
		t.Errorf("the record made while revoked was not sent: %+v", r)
	}
	if got, want := a.digest(t, lacLuong), srv.digest(t, lacLuong); got != want {
		t.Errorf("device digest %s, server's %s", got, want)
	}
	if a.show(t, "household", pending)["head_name"] != "Lò Thị Xuân" {
		t.Errorf("the pending household is gone")
	}

	// A live laptop is not enrolled twice, and the code is not spent.
	code := srv.enroll(t, "Lò Văn Minh", lacLuong)
	a.fail(t, "already enrolled", "init", "--server", srv.url, "--enroll", code)
	newDevice(t, "b").run(t, "init", "--server", srv.url, "--enroll", code)

	missing := missingStore(t, srv.db)
	for _, args := range [][]string{{"device", "revoke", "0000", "--db", srv.db}, {"device", "revoke", site, "--db", missing}} {
		if _, errOut, err := runCmd(bin.server, args...); err == nil || !strings.Contains(errOut, "hodan-server: ") {
			t.Errorf("hodan-server %s: %v %q; want a refusal", strings.Join(args, " "), err, errOut)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("device revoke created a database")
	}
}

func TestFilesAtRestAreReadableByTheOwnerOnly(t *testing.T) {
	sqliteOnly(t, "the server keeps no file of its own; the database's files are the cluster's, its owner's only")
	t.Parallel()
	srv := startServer(t, serverDB(t))
	// The default database, in the officer's configuration directory.
	config := t.TempDir()
	cmd := exec.Command(bin.client, "init", "--server", srv.url, "--enroll", srv.enroll(t, "Lò Văn Minh", lacLuong))
	cmd.Env = append(os.Environ(), "HODAN_DB=", "XDG_CONFIG_HOME="+config, "HOME="+config)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hodan init with the default database: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(config, "*", "*.db"))
	if len(matches) != 1 {
		t.Fatalf("default database: found %v", matches)
	}
	assertOwnerOnly(t, filepath.Dir(matches[0]))

	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	a.add(t, "household", "--head-name", "Lò Văn Pọm", "--head-birth-year", "1975", "--head-sex", "male", "--ethnicity-code", "04", "--poverty-status", "poor")
	// The server holds its database open, so its WAL and shared-memory
	// files exist; the laptop keeps its own between commands (the log
	// emptied into the database at each exit).
	for _, f := range []string{matches[0], a.db, srv.db, srv.db + "-wal", srv.db + "-shm", a.db + "-wal", a.db + "-shm"} {
		assertOwnerOnly(t, f)
	}
}
