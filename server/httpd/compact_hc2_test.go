package httpd_test

import (
	"encoding/binary"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// acceptBeforeHC2 is the Accept header of a client older than HC2.
const acceptBeforeHC2 = syncengine.MediaCompact + ", " + syncengine.MediaJSON

// batchMagic is the magic of the batch in a compact message.
func batchMagic(t *testing.T, msg []byte) string {
	t.Helper()
	n, k := binary.Uvarint(msg)
	if k <= 0 || uint64(len(msg)-k) < n+3 {
		t.Fatalf("not a compact message: %q", msg)
	}
	return string(msg[k+int(n):][:3])
}

// TestHC2Negotiation asks a server and one that speaks HC1 only (as
// servers before HC2) for a pull page with this client's Accept header
// and with an older client's: each answers HC2 only to a request that
// names it and only if it speaks it, says so in its Content-Type, and
// offers HC2 pushes only if it takes them. Both take an older client's
// HC1 push.
func TestHC2Negotiation(t *testing.T) {
	for _, noHC2 := range []bool{false, true} {
		ts := mustServer(t, func(c *httpd.Config) { c.NoHC2 = noHC2 })
		w, r := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
		mustWork(t, w.DB, "Bùi Văn Thảo")
		resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(w.Token),
			ContentType: syncengine.MediaCompact, Encoding: "gzip", Body: mustGzip(t, compactPush(t, mustOwnChanges(t, w.DB)))})
		if resp.Status != http.StatusOK {
			t.Fatalf("NoHC2 %v: an HC1 push: HTTP %d %s", noHC2, resp.Status, resp.Body)
		}
		assertServerHolds(t, ts, w)
		var vr syncengine.VersionsResponse
		mustDecode(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(r.Token)}).Body, &vr)
		if offered := slices.Contains(vr.Encodings, syncengine.EncodingHC2); offered == noHC2 {
			t.Errorf("NoHC2 %v: versions offer encodings %q", noHC2, vr.Encodings)
		}
		wantNew, wantMagic := syncengine.MediaCompactHC2, "HC2"
		if noHC2 {
			wantNew, wantMagic = syncengine.MediaCompact, "HC1"
		}
		for accept, want := range map[string][2]string{
			acceptBeforeHC2:       {syncengine.MediaCompact, "HC1"},
			syncengine.AcceptPull: {wantNew, wantMagic},
		} {
			resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull + "?after=0", Auth: bearer(r.Token), Accept: accept})
			if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != want[0] {
				t.Fatalf("NoHC2 %v, Accept %q: HTTP %d, Content-Type %q, want %q", noHC2, accept, resp.Status, resp.Header.Get("Content-Type"), want[0])
			}
			if got := batchMagic(t, resp.Body); got != want[1] {
				t.Errorf("NoHC2 %v, Accept %q: a batch in %s, want %s", noHC2, accept, got, want[1])
			}
			page, err := syncengine.DecodeCompactPull(resp.Body)
			if err != nil || len(page.Changes) != len(mustOwnChanges(t, w.DB)) {
				t.Errorf("NoHC2 %v, Accept %q: %d changes, %v", noHC2, accept, len(page.Changes), err)
			}
		}
	}
}

// TestHC2Sync syncs this client with a server and with one that speaks
// HC1 only: it pushes and pulls HC2 with the first, HC1 with the second,
// and with both the server holds the officer's changes as written and a
// new laptop ends with the server's digest.
func TestHC2Sync(t *testing.T) {
	for _, noHC2 := range []bool{false, true} {
		wlog, rlog := mustSyncThrough(t, func(c *httpd.Config) { c.NoHC2 = noHC2 })
		want := syncengine.MediaCompactHC2
		if noHC2 {
			want = syncengine.MediaCompact
		}
		for what, got := range map[string][]string{"pushes": wlog.pushed, "pull answers": rlog.pulled} {
			if len(got) == 0 || slices.ContainsFunc(got, func(s string) bool { return s != want }) {
				t.Errorf("NoHC2 %v: %s %q, want %q only", noHC2, what, got, want)
			}
		}
	}
}

// limitLog is a client's transport that notes the limit of every pull it
// asks for.
type limitLog struct {
	mu     sync.Mutex
	limits []int
}

func (l *limitLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == syncengine.PathPull {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		n, _ := strconv.Atoi(q.Get("limit"))
		l.mu.Lock()
		l.limits = append(l.limits, n)
		l.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestPullPagesGrow has a new laptop pull a commune of more than three
// pages of MaxBatch changes: it asks for pages twice as large each time,
// up to the server's MaxPullPage, and ends with the server's digest; from
// a server that answers MaxBatch at most (as servers before), it asks for
// MaxBatch every time.
func TestPullPagesGrow(t *testing.T) {
	for _, noHC2 := range []bool{false, true} {
		ts := mustServer(t, func(c *httpd.Config) { c.NoHC2 = noHC2; c.DeviceRate = -1 })
		w, r := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
		mustVillages(t, w.DB, 3*httpd.MaxBatch+1)
		mustSync(t, w)
		l := &limitLog{}
		r.Client.HTTP, r.Client.NoSnapshot = &http.Client{Transport: l}, true
		mustSync(t, r)
		if got, want := mustDigest(t, r.DB, communeA), mustDigest(t, ts.DB, communeA); got != want {
			t.Errorf("NoHC2 %v: new laptop's digest %s, the server's %s", noHC2, got, want)
		}
		want := []int{syncengine.DefaultPullPage, 2 * syncengine.DefaultPullPage, httpd.MaxPullPage}
		if noHC2 {
			want = []int{syncengine.DefaultPullPage, syncengine.DefaultPullPage, syncengine.DefaultPullPage, syncengine.DefaultPullPage}
		}
		if !slices.Equal(l.limits, want) {
			t.Errorf("NoHC2 %v: pages asked for %d changes, want %d", noHC2, l.limits, want)
		}
	}
}

// mustVillages records villages of communeA on db, enough for n changes.
func mustVillages(t *testing.T, db *syncengine.DB, n int) {
	t.Helper()
	mustWrite(t, db, func(tx *syncengine.Tx) error {
		for i := 0; i < n; i += 3 {
			if _, err := tx.Insert("villages", map[string]any{"commune_code": communeA, "name": "Xóm " + strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		return nil
	})
}
