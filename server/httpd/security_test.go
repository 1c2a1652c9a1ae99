package httpd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/internal/replica"
	"hodan/server/httpd"
	"hodan/server/registry"
	"hodan/syncengine"
)

// The security suite: each rule of the sync API, each checked for the
// status and for the server's state being unchanged.

func TestTokenIsAcceptedOnlyInTheAuthorizationHeader(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	before := mustState(t, ts.DB)
	for name, r := range map[string]request{
		"query token":        {Method: http.MethodGet, Path: syncengine.PathVersions + "?token=" + dev.Token},
		"query access_token": {Method: http.MethodGet, Path: syncengine.PathVersions + "?access_token=" + dev.Token},
		"query bearer":       {Method: http.MethodGet, Path: syncengine.PathDigest + "?commune=" + communeA + "&authorization=Bearer+" + dev.Token},
	} {
		t.Run(name, func(t *testing.T) {
			assertError(t, ts.send(t, r), http.StatusUnauthorized, syncengine.CodeUnauthorized)
		})
	}
	for name, header := range map[string]string{
		"cookie":       "Cookie",
		"other header": "X-Hodan-Token",
		"proxy header": "Proxy-Authorization",
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.URL+syncengine.PathVersions, nil)
			if err != nil {
				t.Fatal(err)
			}
			value := dev.Token
			if header == "Cookie" {
				value = "token=" + dev.Token
			} else if header == "Proxy-Authorization" {
				value = bearer(dev.Token)
			}
			req.Header.Set(header, value)
			assertError(t, do(t, req), http.StatusUnauthorized, syncengine.CodeUnauthorized)
		})
	}
	assertUnchanged(t, ts.DB, before)
}

func TestAnswersAreNotCached(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	for _, r := range []request{
		{Method: http.MethodGet, Path: syncengine.PathPull, Auth: bearer(dev.Token)},
		{Method: http.MethodGet, Path: syncengine.PathVersions},
		{Method: http.MethodGet, Path: "/nowhere"},
	} {
		resp := ts.send(t, r)
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s (HTTP %d): headers %v; want Cache-Control: no-store and nosniff", r.Method, r.Path, resp.Status, resp.Header)
		}
	}
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func TestTokensAreRandomAndSecretsAreStoredOnlyAsHashes(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	unspent := ts.mustCode(t, time.Hour, communeB)
	spent := ts.mustCode(t, time.Hour, communeA)
	first := ts.mustEnrolled(t, ts.enrollRaw(t, spent, uuid.New()), communeA)
	second := mustDevice(t, ts, communeA).Token
	for _, tok := range []string{first, second} {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "hodan_"))
		if !strings.HasPrefix(tok, "hodan_") || err != nil || len(raw) < 32 {
			t.Errorf("token %q: want hodan_ and at least 256 random bits in base64 (%v)", tok, err)
		}
	}
	if first == second {
		t.Fatal("two enrollments got the same token")
	}
	// No secret appears in any column of the registry, in any form.
	secrets := []string{first, second, unspent, spent, strings.ReplaceAll(unspent, "-", ""), strings.ReplaceAll(spent, "-", "")}
	for _, table := range []string{"server_devices", "server_enrollments"} {
		rows, err := ts.DB.SQL().Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch v := v.(type) {
				case string:
					b = []byte(v)
				case []byte:
					b = v
				}
				for _, s := range secrets {
					if bytes.Contains(bytes.ToUpper(b), bytes.ToUpper([]byte(s))) {
						t.Errorf("%s.%s holds a secret in clear", table, cols[i])
					}
				}
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("%s is empty: the test looked at nothing", table)
		}
	}
}

// revokeFromAnotherProcess revokes a device through a second connection to
// the server's database file, as `hodan-server device revoke` does while
// the server runs.
func revokeFromAnotherProcess(t *testing.T, ts *testServer, id string) registry.Device {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, ts.DB.Path(), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		t.Fatalf("open the server database again: %v", err)
	}
	defer db.Close()
	dev, err := registry.New(db, nil).Revoke(ctx, id)
	if err != nil {
		t.Fatalf("revoke %s: %v", id, err)
	}
	return dev
}

func TestRevokedDeviceIsRefusedAndWhatItSyncedStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	other := mustDevice(t, ts, communeA)
	hh := mustHousehold(t, dev.DB, communeA, "Hà Thị Dung")
	if _, err := dev.Client.Sync(ctx, dev.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
	revoked := revokeFromAnotherProcess(t, ts, dev.Site().String()[:8])
	if revoked.ID != dev.Site() || !revoked.Revoked() {
		t.Fatalf("revoked %+v, want device %s revoked", revoked, dev.Site())
	}
	mustWrite(t, dev.DB, func(tx *syncengine.Tx) error {
		return tx.Update("households", hh, map[string]any{"head_name": "Hà Thị Dung (đã sửa)"})
	})
	before := mustState(t, ts.DB)
	for name, r := range map[string]request{
		"versions": {Method: http.MethodGet, Path: syncengine.PathVersions},
		"push":     {Method: http.MethodPost, Path: syncengine.PathPush, ContentType: "application/json", Body: pushBody(t, mustOwnChanges(t, dev.DB))},
		"pull":     {Method: http.MethodGet, Path: syncengine.PathPull},
		"digest":   {Method: http.MethodGet, Path: syncengine.PathDigest + "?commune=" + communeA},
	} {
		t.Run(name, func(t *testing.T) {
			r.Auth = bearer(dev.Token)
			resp := ts.send(t, r)
			assertError(t, resp, http.StatusUnauthorized, syncengine.CodeRevoked)
			if !bytes.Contains(resp.Body, []byte("hodan init")) {
				t.Errorf("the refusal does not tell the officer to enroll again: %s", resp.Body)
			}
		})
	}
	assertUnchanged(t, ts.DB, before)
	// What it synced before stays, and other devices still get it.
	if _, err := other.Client.Sync(ctx, other.DB); err != nil {
		t.Fatalf("sync of another device: %v", err)
	}
	if got, want := mustDigest(t, other.DB, communeA), mustDigest(t, ts.DB, communeA); got != want {
		t.Errorf("another device's digest %s, server's %s", got, want)
	}
	// The revoked device enrolls again with a new code, keeping its site id
	// and its pending change, which then syncs.
	er, err := dev.Client.Enroll(ctx, ts.mustCode(t, time.Hour, communeA), dev.Site())
	if err != nil {
		t.Fatalf("enroll again after revocation: %v", err)
	}
	dev.Client.Token = er.Token
	res, err := dev.Client.Sync(ctx, dev.DB)
	if err != nil || res.Pushed != 1 {
		t.Fatalf("sync after enrolling again: %+v, %v; want the pending change pushed", res, err)
	}
	if got, want := mustDigest(t, dev.DB, communeA), mustDigest(t, ts.DB, communeA); got != want {
		t.Errorf("after enrolling again: device digest %s, server's %s", got, want)
	}
	// The old token stays dead.
	assertError(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(dev.Token)}),
		http.StatusUnauthorized, syncengine.CodeUnauthorized)
}

func TestRevokeNamesOneDevice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	for _, id := range []string{"", "abc", "%", strings.Repeat("_", 8), uuid.NewString()} {
		if _, err := ts.Reg.Revoke(ctx, id); !errors.Is(err, registry.ErrNoDevice) {
			t.Errorf("revoke %q: %v, want ErrNoDevice", id, err)
		}
	}
	if _, err := ts.Reg.Authenticate(ctx, dev.Token); err != nil {
		t.Fatalf("a refused revocation revoked the device: %v", err)
	}
	if _, err := ts.Reg.Revoke(ctx, strings.ToUpper(dev.Site().String())); err != nil {
		t.Fatalf("revoke by full id: %v", err)
	}
	if _, err := ts.Reg.Revoke(ctx, dev.Site().String()); err == nil || !strings.Contains(err.Error(), "already revoked") {
		t.Errorf("revoke twice: %v, want already revoked", err)
	}
	if _, err := ts.Reg.Authenticate(ctx, dev.Token); !errors.Is(err, registry.ErrRevoked) {
		t.Errorf("authenticate a revoked device: %v, want ErrRevoked", err)
	}
}

func TestForeignCommunesAreAnsweredLikeUnknownOnes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeB)
	mustHousehold(t, b.DB, communeB, "Nguyễn Văn Bình")
	if _, err := b.Client.Sync(ctx, b.DB); err != nil {
		t.Fatal(err)
	}
	before := mustState(t, ts.DB)
	// A commune with data, one with none, a code that no longer exists and
	// one that never did: the same answer but for the code itself.
	var first string
	for _, commune := range []string{communeB, "00004", "05365", "99999"} {
		resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathDigest + "?commune=" + commune, Auth: bearer(a.Token)})
		assertError(t, resp, http.StatusForbidden, syncengine.CodeOutOfScope)
		shape := strings.ReplaceAll(string(resp.Body), commune, "CODE")
		if first == "" {
			first = shape
		} else if shape != first {
			t.Errorf("digest of %s answered %s; of %s: %s", commune, shape, communeB, first)
		}
	}
	assertUnchanged(t, ts.DB, before)
}

func TestRefusalsRevealNothingOfAnotherCommune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeB)
	hb := mustHousehold(t, b.DB, communeB, "Nguyễn Văn Bình")
	if _, err := b.Client.Sync(ctx, b.DB); err != nil {
		t.Fatal(err)
	}
	digestB := mustDigest(t, ts.DB, communeB)
	own, _ := a.DB.OwnSeq(ctx)
	now := syncengine.MakeHLC(time.Now().UnixMilli(), 0)
	forged := []syncengine.Change{
		// an edit of B's household, claimed for A
		{Table: "households", Row: hb, Column: "head_name", Value: syncengine.Text("x"), CL: 1, Scope: communeA},
		// a deletion of it
		{Table: "households", Row: hb, CL: 2, Scope: communeA},
		// a member attached to it
		{Table: "members", Row: uuid.New(), Column: "household_id", Value: syncengine.Text(hb.String()), CL: 1, Scope: communeA},
	}
	for i := range forged {
		forged[i].Site, forged[i].Seq, forged[i].HLC = a.Site(), own+uint64(i)+1, now+syncengine.HLC(i)
	}
	pr := ts.mustPush(t, a.Token, forged)
	if len(pr.Rejected) != len(forged) {
		t.Fatalf("push: %+v; want all %d refused", pr, len(forged))
	}
	for _, r := range pr.Rejected {
		for _, secret := range []string{communeB, "Nguyễn Văn Bình", "Bình"} {
			if strings.Contains(r.Message, secret) {
				t.Errorf("refusal %q reveals %q of commune %s", r.Message, secret, communeB)
			}
		}
	}
	if got := mustDigest(t, ts.DB, communeB); got != digestB {
		t.Errorf("digest of %s changed", communeB)
	}
}

func TestOfficerIsTheEnrolledOneNotWhatTheDeviceSays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA) // enrolled for Lò Văn Minh
	hh := mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	if _, err := a.Client.Sync(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	own, _ := a.DB.OwnSeq(ctx)
	visit := func(seq uint64, officer syncengine.Value) []syncengine.Change {
		v := uuid.New()
		now := syncengine.MakeHLC(time.Now().UnixMilli(), uint16(seq))
		cs := []syncengine.Change{
			{Table: "visits", Row: v, CL: 1},
			{Table: "visits", Row: v, Column: "household_id", Value: syncengine.Text(hh.String()), CL: 1},
			{Table: "visits", Row: v, Column: "visit_date", Value: syncengine.Text("2026-11-20"), CL: 1},
			{Table: "visits", Row: v, Column: "purpose", Value: syncengine.Text("poverty_review"), CL: 1},
			{Table: "visits", Row: v, Column: "officer", Value: officer, CL: 1},
		}
		for i := range cs {
			cs[i].Scope, cs[i].Site, cs[i].Seq, cs[i].HLC = communeA, a.Site(), seq+uint64(i), now
		}
		return cs
	}
	for i, officer := range []syncengine.Value{syncengine.Text("Trưởng phòng Dân tộc"), syncengine.Text(""), syncengine.Null()} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			cs := visit(own+1, officer)
			own += uint64(len(cs))
			pr := ts.mustPush(t, a.Token, cs)
			if len(pr.Rejected) != 1 || pr.Rejected[0].Code != syncengine.CodeForbidden || pr.Rejected[0].Seq != cs[4].Seq {
				t.Fatalf("visit with officer %v: %+v; want the officer cell refused", officer, pr)
			}
		})
	}
	var n int
	if err := ts.DB.SQL().QueryRow(`SELECT count(*) FROM visits WHERE officer IS NOT NULL AND officer != 'Lò Văn Minh'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d visits name another officer (%v)", n, err)
	}
	cs := visit(own+1, syncengine.Text("Lò Văn Minh"))
	if pr := ts.mustPush(t, a.Token, cs); len(pr.Rejected) != 0 || pr.Applied != len(cs) {
		t.Errorf("visit by the enrolled officer: %+v; want all applied", pr)
	}
}

func TestPushRefusesFieldsTheClientDoesNotOwn(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	changes := string(pushBody(t, mustOwnChanges(t, a.DB)))
	before := mustState(t, ts.DB)
	for name, body := range map[string]string{
		"officer on a change":   strings.Replace(changes, `"t":`, `"officer":"Trưởng phòng","t":`, 1),
		"receipt time":          strings.Replace(changes, `"t":`, `"received_at":1,"t":`, 1),
		"server sequence":       strings.Replace(changes, `"t":`, `"server_seq":1,"t":`, 1),
		"device on the request": strings.Replace(changes, `{"changes":`, `{"device":"`+uuid.NewString()+`","changes":`, 1),
		"scopes on the request": strings.Replace(changes, `{"changes":`, `{"scopes":["`+communeB+`"],"changes":`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			if body == changes {
				t.Fatal("the test did not change the body")
			}
			resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(a.Token), ContentType: "application/json", Body: []byte(body)})
			assertError(t, resp, http.StatusBadRequest, syncengine.CodeBadRequest)
		})
	}
	assertUnchanged(t, ts.DB, before)
}

func TestRateLimitIsPerDeviceWithRetryAfter(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, func(c *httpd.Config) { c.DeviceRate, c.DeviceBurst = 0.01, 3 })
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	versions := func(d *device) response {
		return ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(d.Token)})
	}
	for i := range 3 {
		if r := versions(a); r.Status != http.StatusOK {
			t.Fatalf("request %d within the burst: HTTP %d %s", i+1, r.Status, r.Body)
		}
	}
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	before := mustState(t, ts.DB)
	for _, r := range []response{versions(a), ts.push(t, a.Token, mustOwnChanges(t, a.DB))} {
		assertError(t, r, http.StatusTooManyRequests, syncengine.CodeRateLimited)
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil || secs < 1 || secs > 101 {
			t.Errorf("Retry-After = %q, want the seconds until a request is allowed (about 100)", r.Header.Get("Retry-After"))
		}
	}
	assertUnchanged(t, ts.DB, before)
	// Another device behind the same address is not slowed by a.
	for i := range 3 {
		if r := versions(b); r.Status != http.StatusOK {
			t.Fatalf("another device's request %d: HTTP %d %s", i+1, r.Status, r.Body)
		}
	}
	// Unauthenticated requests are refused before they are counted.
	assertError(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer("hodan_x")}),
		http.StatusUnauthorized, syncengine.CodeUnauthorized)
}

func TestClientWaitsOutRateLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The client waits in real time, so the server's clock, which refills
	// the buckets, must be the real one.
	ts := mustServer(t, func(c *httpd.Config) { c.Now, c.DeviceRate, c.DeviceBurst = time.Now, 2, 1 })
	a := mustDevice(t, ts, communeA)
	for i := range 3 {
		mustHousehold(t, a.DB, communeA, "Lò Thị Én "+strconv.Itoa(i))
	}
	a.Client.BatchSize = 8 // several requests, more than the burst allows at once
	res, err := a.Client.Sync(ctx, a.DB)
	if err != nil {
		t.Fatalf("sync under a rate limit: %v", err)
	}
	if own, _ := a.DB.OwnSeq(ctx); res.Pushed != int(own) {
		t.Errorf("pushed %d of %d changes", res.Pushed, own)
	}
	if got, want := mustDigest(t, a.DB, communeA), mustDigest(t, ts.DB, communeA); got != want {
		t.Errorf("device digest %s, server's %s", got, want)
	}
}

func TestEnrollmentAttemptsAreLimited(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	before := mustState(t, ts.DB)
	var limited response
	for i := range 100 {
		r := ts.enrollRaw(t, "AAAAA-AAAAA-AAAAA", uuid.New())
		if r.Status == http.StatusTooManyRequests {
			limited = r
			if i < 10 {
				t.Errorf("enrollment limited after %d attempts: a commune office enrolling its laptops would be stopped", i)
			}
			break
		}
		assertError(t, r, http.StatusUnauthorized, syncengine.CodeUnauthorized)
	}
	assertError(t, limited, http.StatusTooManyRequests, syncengine.CodeRateLimited)
	if limited.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	assertUnchanged(t, ts.DB, before)
}

// TestSlowClientsAreCutOff serves on a real listener with short timeouts:
// a client that never finishes its headers, or its body, is disconnected.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "server.db"), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := httpd.New(httpd.Config{DB: db, Registry: registry.New(db, nil), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(serveCtx, ln) }()
	defer func() { stop(); <-done }()

	for name, partial := range map[string]string{
		"headers never end": "GET /v1/health HTTP/1.1\r\nHost: hodan\r\n",
		"body never ends":   "POST /v1/enroll HTTP/1.1\r\nHost: hodan\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"code\":",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, partial); err != nil {
				t.Fatal(err)
			}
			// The server must close the connection (perhaps after a 408 or
			// 400 answer) long before this deadline.
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			rest, err := io.ReadAll(bufio.NewReader(conn))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept a slow client's connection open (read %q)", rest)
			}
			if len(rest) > 0 && !bytes.HasPrefix(rest, []byte("HTTP/1.1 4")) {
				t.Errorf("answer to a slow client: %q, want nothing or a 4xx", rest)
			}
		})
	}
}

func TestConflictsEndpointShowsOnlyTheDeviceCommunes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a1, a2, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA), mustDevice(t, ts, communeB)
	h := mustHousehold(t, a1.DB, communeA, "Bùi Văn Thao")
	for _, d := range []*device{a1, a2} {
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []*device{a1, a2} {
		mustWrite(t, d.DB, func(tx *syncengine.Tx) error {
			return tx.Update("households", h, map[string]any{"head_name": "Bùi Văn Thảo " + strconv.Itoa(i)})
		})
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a1.Client.Conflicts(ctx)
	if err != nil || len(got) != 1 || got[0].Row != h || got[0].Values[0].Officer == "" {
		t.Fatalf("conflicts for a device of %s: %+v, %v; want the one, with officers", communeA, got, err)
	}
	if got, err := b.Client.Conflicts(ctx); err != nil || len(got) != 0 {
		t.Errorf("a device of %s sees conflicts of %s: %+v, %v", communeB, communeA, got, err)
	}
	assertError(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathConflicts}), http.StatusUnauthorized, syncengine.CodeUnauthorized)
}
