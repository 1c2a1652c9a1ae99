package httpd_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// wireLog is a client's transport that notes the media type of every push
// it sends and of every pull answer it receives, and the Accept header of
// its pulls.
type wireLog struct {
	mu                    sync.Mutex
	pushed, pulled, asked []string
}

func (l *wireLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err != nil:
	case r.URL.Path == syncengine.PathPush:
		l.pushed = append(l.pushed, r.Header.Get("Content-Type"))
	case r.URL.Path == syncengine.PathPull:
		l.pulled = append(l.pulled, resp.Header.Get("Content-Type"))
		l.asked = append(l.asked, r.Header.Get("Accept"))
	}
	return resp, err
}

// logWire makes dev's client speak JSON only if jsonOnly, in small
// batches, and returns the log of what it sends and receives.
func logWire(dev *device, jsonOnly bool) *wireLog {
	l := &wireLog{}
	dev.Client.HTTP = &http.Client{Transport: l}
	dev.Client.NoCompact, dev.Client.NoSnapshot, dev.Client.BatchSize = jsonOnly, true, 7
	return l
}

// assertAll checks that got is not empty and holds the media type want
// only (parameters aside).
func assertAll(t *testing.T, what string, got []string, want string) {
	t.Helper()
	other := func(s string) bool {
		mt, _, _ := mime.ParseMediaType(s)
		return s != want && mt != want
	}
	if len(got) == 0 || slices.ContainsFunc(got, other) {
		t.Errorf("%s: %q, want %q only", what, got, want)
	}
}

// mustWork records a day of work on db: households with members, a visit
// with a GPS point and notes, an edit (Base set) and a deletion (CL 2).
func mustWork(t *testing.T, db *syncengine.DB, head string) {
	t.Helper()
	mustWrite(t, db, func(tx *syncengine.Tx) error {
		for i := range 3 {
			h, err := tx.Insert("households", map[string]any{
				"commune_code": communeA, "head_name": head, "head_birth_year": 1970 + i, "head_sex": "female",
				"ethnicity_code": "02", "poverty_status": "poor",
			})
			if err != nil {
				return err
			}
			m, err := tx.Insert("members", map[string]any{"household_id": h.String(), "full_name": "Đặng Thị Ánh", "birth_year": 2001, "sex": "female"})
			if err != nil {
				return err
			}
			if _, err := tx.Insert("visits", map[string]any{"household_id": h.String(), "officer": "Lò Văn Minh", "visit_date": "2026-11-23",
				"purpose": "poverty_review", "notes": "Nhà tạm, mái dột", "latitude": 20.7061, "longitude": 105.6193}); err != nil {
				return err
			}
			if err := tx.Update("households", h, map[string]any{"poverty_status": "near_poor", "head_name": head + " (sửa)"}); err != nil {
				return err
			}
			if i == 1 {
				if err := tx.Delete("members", m); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// mustSync syncs dev.
func mustSync(t *testing.T, dev *device) {
	t.Helper()
	if _, err := dev.Client.Sync(context.Background(), dev.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// assertServerHolds checks that the server holds every change dev wrote,
// field for field.
func assertServerHolds(t *testing.T, ts *testServer, dev *device) {
	t.Helper()
	held, err := ts.DB.Pending(context.Background(), dev.Site(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if own := mustOwnChanges(t, dev.DB); !reflect.DeepEqual(held, own) {
		t.Errorf("the server holds %d changes of the device, not the %d it wrote as written", len(held), len(own))
	}
}

// TestCompactSyncSameAsJSON syncs two officers, one pushing compact and one
// JSON, and two new laptops, one pulling compact and one JSON, in small
// batches over two days: the server holds each officer's changes as
// written, and both laptops end with the same log, entry for entry, and
// the server's digest. Each client spoke the encoding it was meant to.
func TestCompactSyncSameAsJSON(t *testing.T) {
	ts := mustServer(t, nil)
	writers := []*device{mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)}
	readers := []*device{mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)}
	var logs []*wireLog
	for i, dev := range append(slices.Clone(writers), readers...) {
		logs = append(logs, logWire(dev, i%2 == 1))
	}
	for day := range 2 {
		for i, w := range writers {
			mustWork(t, w.DB, []string{"Bùi Văn Thảo", "Hà Thị Lan"}[i])
			mustSync(t, w)
		}
		for _, r := range readers {
			mustSync(t, r)
		}
		t.Logf("day %d synced", day)
	}
	for _, w := range writers {
		assertServerHolds(t, ts, w)
	}
	want := mustDigest(t, ts.DB, communeA)
	var entries [2][]syncengine.Change
	for i, r := range readers {
		if got := mustDigest(t, r.DB, communeA); got != want {
			t.Errorf("reader %d: digest %s, the server's %s", i, got, want)
		}
		var err error
		if entries[i], _, err = r.DB.ReadLog(context.Background(), 0, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if len(entries[0]) == 0 || !reflect.DeepEqual(entries[0], entries[1]) {
		t.Errorf("the compact reader logged %d changes, the JSON one %d, not the same", len(entries[0]), len(entries[1]))
	}
	assertAll(t, "compact writer's pushes", logs[0].pushed, syncengine.MediaCompact)
	assertAll(t, "JSON writer's pushes", logs[1].pushed, syncengine.MediaJSON)
	assertAll(t, "compact reader's pull answers", logs[2].pulled, syncengine.MediaCompact)
	assertAll(t, "JSON reader's pull answers", logs[3].pulled, syncengine.MediaJSON)
	assertAll(t, "JSON reader's Accept", logs[3].asked, "")
}

// TestCompactFallback syncs a client that speaks compact with a server
// that does not (as servers before it): the client pushes JSON, takes the
// JSON pull answers, and the server and a new laptop end with its changes.
func TestCompactFallback(t *testing.T) {
	wlog, rlog := mustSyncThrough(t, func(c *httpd.Config) { c.NoCompact = true })
	assertAll(t, "pushes", wlog.pushed, syncengine.MediaJSON)
	assertAll(t, "pull answers", rlog.pulled, syncengine.MediaJSON)
	assertAll(t, "Accept", rlog.asked, syncengine.AcceptPull)
}

// mustSyncThrough has an officer record a day and sync with a server
// configured so, then a new laptop sync: the server holds the officer's
// changes as written, and the new laptop ends with the server's digest.
// It returns what the officer's and the laptop's clients sent and
// received.
func mustSyncThrough(t *testing.T, configure func(*httpd.Config)) (officer, laptop *wireLog) {
	t.Helper()
	ts := mustServer(t, configure)
	w, r := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	officer, laptop = logWire(w, false), logWire(r, false)
	mustWork(t, w.DB, "Bùi Văn Thảo")
	mustSync(t, w)
	mustSync(t, r)
	assertServerHolds(t, ts, w)
	if got, want := mustDigest(t, r.DB, communeA), mustDigest(t, ts.DB, communeA); got != want {
		t.Errorf("new laptop's digest %s, the server's %s", got, want)
	}
	return officer, laptop
}

// TestCompactNegotiation asks for versions and pull pages as old clients
// and curl do, and as a compact client does: only the one that names the
// compact type gets it; a server that does not speak it does not offer it.
func TestCompactNegotiation(t *testing.T) {
	for _, noCompact := range []bool{false, true} {
		ts := mustServer(t, func(c *httpd.Config) { c.NoCompact = noCompact })
		dev := mustDevice(t, ts, communeA)
		var vr syncengine.VersionsResponse
		resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(dev.Token)})
		mustDecode(t, resp.Body, &vr)
		if offered := slices.Contains(vr.Encodings, syncengine.EncodingCompact); offered == noCompact {
			t.Errorf("NoCompact %v: versions offer encodings %q", noCompact, vr.Encodings)
		}
		for accept, compact := range map[string]bool{"": false, "*/*": false, "application/json": false, syncengine.AcceptPull: !noCompact} {
			resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull + "?after=0", Auth: bearer(dev.Token), Accept: accept})
			if resp.Status != http.StatusOK || syncengine.IsCompact(resp.Header.Get("Content-Type")) != compact {
				t.Errorf("NoCompact %v, Accept %q: HTTP %d, Content-Type %q", noCompact, accept, resp.Status, resp.Header.Get("Content-Type"))
			}
			if !compact {
				var page syncengine.PullResponse
				mustDecode(t, resp.Body, &page)
			} else if _, err := syncengine.DecodeCompactPull(resp.Body); err != nil {
				t.Errorf("Accept %q: %v", accept, err)
			}
			if vary := strings.Join(resp.Header.Values("Vary"), ","); !slices.Contains(strings.Split(strings.ReplaceAll(vary, " ", ""), ","), "Accept") {
				t.Errorf("Accept %q: Vary %q, want it to name Accept", accept, vary)
			}
		}
	}
}

// compactPush is changes as a signed compact push body, not gzipped.
func compactPush(t *testing.T, changes []syncengine.Change) []byte {
	t.Helper()
	req := syncengine.PushRequest{Changes: changes, Signature: syncengine.SignBatch(deviceKey(t, changes[0].Site), changes[0].Site, changes)}
	b, err := syncengine.AppendCompactPush(nil, &req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withEnvelope is a compact message with its envelope's closing brace
// replaced by end.
func withEnvelope(msg []byte, end string) []byte {
	n, k := binary.Uvarint(msg)
	env := string(msg[k:k+int(n)-1]) + end
	return append(append(binary.AppendUvarint(nil, uint64(len(env))), env...), msg[k+int(n):]...)
}

// TestCompactPushRefused posts malformed, truncated, oversized and
// wrongly signed compact bodies: each is refused with the code a JSON body
// of the same fault gets, and nothing of it is applied. The valid body
// they were made from is then taken.
func TestCompactPushRefused(t *testing.T) {
	ts := mustServer(t, func(c *httpd.Config) { c.DeviceRate = -1 })
	old := mustServer(t, func(c *httpd.Config) { c.NoCompact = true })
	dev := mustDevice(t, ts, communeA)
	mustWork(t, dev.DB, "Bùi Văn Thảo")
	changes := mustOwnChanges(t, dev.DB)
	valid := compactPush(t, changes)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := syncengine.AppendCompactPush(nil, &syncengine.PushRequest{Changes: changes, Signature: syncengine.SignBatch(other, dev.Site(), changes)})
	if err != nil {
		t.Fatal(err)
	}
	env := `{"signature":"c2ln"}`
	tooMany := append(binary.AppendUvarint(nil, uint64(len(env))), env...)
	tooMany = binary.AppendUvarint(append(tooMany, "HC1\x00\x00\x00"...), httpd.MaxBatch+1)
	tooMany = append(tooMany, make([]byte, 12*(httpd.MaxBatch+1))...)
	cases := []struct {
		name, code string
		body       []byte
		plain      bool // not gzipped
	}{
		{"garbage", syncengine.CodeBadRequest, []byte("not a compact body"), false},
		{"JSON in compact's clothes", syncengine.CodeBadRequest, pushBody(t, changes), false},
		{"truncated envelope", syncengine.CodeBadRequest, valid[:10], false},
		{"truncated batch", syncengine.CodeBadRequest, valid[:len(valid)/2], false},
		{"one byte short", syncengine.CodeBadRequest, valid[:len(valid)-1], false},
		{"a byte too many", syncengine.CodeBadRequest, append(slices.Clone(valid), 0), false},
		{"unknown envelope member", syncengine.CodeBadRequest, withEnvelope(valid, `,"extra":1}`), false},
		{"two envelopes", syncengine.CodeBadRequest, withEnvelope(valid, `} {}`), false},
		{"gzip truncated", syncengine.CodeBadRequest, mustGzip(t, valid)[:40], true},
		{"too many changes", syncengine.CodeTooLarge, tooMany, false},
		{"signed with another key", syncengine.CodeBadSignature, forged, false},
	}
	before := mustState(t, ts.DB)
	for _, tc := range cases {
		body := tc.body
		if !tc.plain {
			body = mustGzip(t, body)
		}
		resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(dev.Token),
			ContentType: syncengine.MediaCompact, Encoding: "gzip", Body: body})
		t.Run(tc.name, func(t *testing.T) { assertError(t, resp, statusOfCode[tc.code], tc.code) })
		assertUnchanged(t, ts.DB, before)
	}
	oldDev := mustDevice(t, old, communeA)
	resp := old.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(oldDev.Token),
		ContentType: syncengine.MediaCompact, Encoding: "gzip", Body: mustGzip(t, valid)})
	assertError(t, resp, http.StatusUnsupportedMediaType, "unsupported_media_type")

	resp = ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(dev.Token),
		ContentType: syncengine.MediaCompact, Encoding: "gzip", Body: mustGzip(t, valid)})
	if resp.Status != http.StatusOK {
		t.Fatalf("the valid compact push: HTTP %d %s", resp.Status, resp.Body)
	}
	assertServerHolds(t, ts, dev)
}
