package httpd_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// TestSnapshotAnswer reads the answer as it travels: gzipped once (also to
// a client that accepts gzip), its length and checksum announced, a
// SQLite file inside.
func TestSnapshotAnswer(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	mustRecord(t, mustDevice(t, ts, communeA), communeA, 2)
	d := mustDevice(t, ts, communeA)
	req, err := http.NewRequest(http.MethodGet, ts.URL+syncengine.PathSnapshot, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", bearer(d.Token))
	req.Header.Set("Accept-Encoding", "gzip") // so that net/http hands over the body as sent
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	switch {
	case resp.StatusCode != http.StatusOK:
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	case resp.Header.Get("Content-Type") != "application/gzip" || resp.Header.Get("Content-Encoding") != "":
		t.Errorf("Content-Type %q, Content-Encoding %q: want the gzipped file as it is", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
	case resp.ContentLength != int64(len(body)):
		t.Errorf("Content-Length %d for %d bytes", resp.ContentLength, len(body))
	case resp.Header.Get(syncengine.HeaderSnapshotSHA256) != hex.EncodeToString(sum[:]):
		t.Errorf("announced SHA-256 %s, the body's %x", resp.Header.Get(syncengine.HeaderSnapshotSHA256), sum)
	case resp.Header.Get("Cache-Control") != "no-store":
		t.Errorf("Cache-Control %q: personal data must not be cached", resp.Header.Get("Cache-Control"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 16)
	if _, err := io.ReadFull(zr, head); err != nil || string(head) != "SQLite format 3\x00" {
		t.Errorf("the snapshot is not a SQLite file: %q, %v", head, err)
	}
}

// TestSnapshotAuthentication: the endpoint admits and limits devices
// exactly as pull does.
func TestSnapshotAuthentication(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, func(cfg *httpd.Config) { cfg.DeviceRate, cfg.DeviceBurst = 0.001, 3 })
	dev := mustDevice(t, ts, communeA)
	revoked := mustDevice(t, ts, communeA)
	revokeFromAnotherProcess(t, ts, revoked.Site().String())
	for _, tc := range []struct {
		name, auth string
	}{{"no token", ""}, {"unknown token", bearer("not-a-token")}, {"revoked", bearer(revoked.Token)}} {
		t.Run(tc.name, func(t *testing.T) {
			pull := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull, Auth: tc.auth})
			if pull.Status < 400 {
				t.Fatalf("pull admitted %s: %d", tc.name, pull.Status)
			}
			code := errorCode(t, pull)
			assertError(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathSnapshot, Auth: tc.auth}), pull.Status, code)
		})
	}
	// One bucket for all of a device's requests: after a pull and a
	// snapshot, the third request of a burst of 3 passes, the fourth not.
	for i, path := range []string{syncengine.PathPull, syncengine.PathSnapshot, syncengine.PathSnapshot} {
		if resp := ts.send(t, request{Method: http.MethodGet, Path: path, Auth: bearer(dev.Token)}); resp.Status != http.StatusOK {
			t.Fatalf("request %d (%s): %d %s", i, path, resp.Status, resp.Body)
		}
	}
	limited := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathSnapshot, Auth: bearer(dev.Token)})
	assertError(t, limited, http.StatusTooManyRequests, syncengine.CodeRateLimited)
	if limited.Header.Get("Retry-After") == "" {
		t.Error("a refused snapshot request does not say when to come back")
	}
}

// errorCode is the code of an error answer.
func errorCode(t *testing.T, resp response) string {
	t.Helper()
	var er syncengine.ErrorResponse
	if err := json.Unmarshal(resp.Body, &er); err != nil {
		t.Fatalf("error answer %s: %v", resp.Body, err)
	}
	return er.Error.Code
}

// flipping is a transport that damages one byte of every snapshot on the
// way while on is set.
type flipping struct{ on bool }

func (f *flipping) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !f.on || req.URL.Path != syncengine.PathSnapshot || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body[len(body)/2] ^= 0x40
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func TestSnapshotDamagedOnTheWay(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	mustRecord(t, mustDevice(t, ts, communeA), communeA, 3)
	d := mustDevice(t, ts, communeA)
	link := &flipping{on: true}
	d.Client.HTTP = &http.Client{Transport: link}
	before := mustState(t, d.DB)
	_, err := d.Client.Sync(context.Background(), d.DB)
	if !errors.Is(err, syncengine.ErrBadSnapshot) {
		t.Fatalf("sync through a damaging link: %v, want ErrBadSnapshot", err)
	}
	if after := mustState(t, d.DB); after != before {
		t.Errorf("a damaged snapshot changed the device: %+v, was %+v", after, before)
	}
	if inc, _, err := d.DB.PullCursor(context.Background()); err != nil || inc != "" {
		t.Errorf("a damaged snapshot set the pull cursor: %q, %v", inc, err)
	}
	link.on = false
	if res := mustSyncResult(t, d); res.SnapshotChanges == 0 {
		t.Errorf("sync over a sound link: %+v, want the snapshot", res)
	}
	assertSameA(t, ts, d)
}
