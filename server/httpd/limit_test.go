package httpd_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// TestRateLimitsFollowTheServersClock: a device's bucket, and an
// address's enrollment attempts, refill by the server's clock
// (Config.Now): with it stopped nothing refills, and moving it on by the
// time Retry-After named lets the next request through.
func TestRateLimitsFollowTheServersClock(t *testing.T) {
	t.Parallel()
	clock := &manualClock{t: time.Now()}
	ts := mustServer(t, func(c *httpd.Config) { c.Now, c.DeviceRate, c.DeviceBurst = clock.now, 0.01, 2 })
	a := mustDevice(t, ts, communeA)
	versions := func() response {
		return ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(a.Token)})
	}
	for i := range 2 {
		if r := versions(); r.Status != http.StatusOK {
			t.Fatalf("request %d within the burst: HTTP %d %s", i+1, r.Status, r.Body)
		}
	}
	assertError(t, versions(), http.StatusTooManyRequests, syncengine.CodeRateLimited)
	clock.advance(99 * time.Second)
	assertError(t, versions(), http.StatusTooManyRequests, syncengine.CodeRateLimited)
	clock.advance(time.Second) // 100 s: one request at 0.01 a second
	if r := versions(); r.Status != http.StatusOK {
		t.Fatalf("once the server's clock passed the wait: HTTP %d %s", r.Status, r.Body)
	}

	attempt := func() response { return ts.enrollRaw(t, "AAAAA-AAAAA-AAAAA", uuid.New()) }
	for range 1000 {
		if attempt().Status == http.StatusTooManyRequests {
			break
		}
	}
	assertError(t, attempt(), http.StatusTooManyRequests, syncengine.CodeRateLimited)
	clock.advance(time.Hour)
	assertError(t, attempt(), http.StatusUnauthorized, syncengine.CodeUnauthorized)
}
