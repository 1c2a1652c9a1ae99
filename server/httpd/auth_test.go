package httpd_test

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

func TestHealthNeedsNoToken(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	resp := ts.send(t, request{Method: http.MethodGet, Path: "/v1/health"})
	if resp.Status != http.StatusOK {
		t.Fatalf("health: HTTP %d %s", resp.Status, resp.Body)
	}
	var h map[string]string
	mustDecode(t, resp.Body, &h)
	if h["status"] != "ok" || h["incarnation"] != ts.DB.Incarnation() {
		t.Errorf("health = %v, want status ok and incarnation %s", h, ts.DB.Incarnation())
	}
}

func TestSyncEndpointsRefuseWithoutAValidToken(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	mustHousehold(t, dev.DB, communeA, "Hà Văn Chung")
	batch := pushBody(t, mustOwnChanges(t, dev.DB))
	endpoints := map[string]request{
		"versions": {Method: http.MethodGet, Path: syncengine.PathVersions},
		"push":     {Method: http.MethodPost, Path: syncengine.PathPush, ContentType: "application/json", Body: batch},
		"pull":     {Method: http.MethodGet, Path: syncengine.PathPull},
		"digest":   {Method: http.MethodGet, Path: syncengine.PathDigest + "?commune=" + communeA},
	}
	headers := []struct {
		name string
		auth string
	}{
		{"no header", ""},
		{"scheme only", "Bearer"},
		{"empty token", "Bearer "},
		{"blank token", "Bearer    "},
		{"basic scheme", "Basic " + dev.Token},
		{"token without scheme", dev.Token},
		{"other scheme", "Token " + dev.Token},
		{"forged token", "Bearer hodan_" + strings.Repeat("A", 43)},
		{"token of another server", "Bearer " + mustDevice(t, mustServer(t, nil), communeA).Token},
		{"truncated token", "Bearer " + dev.Token[:len(dev.Token)-1]},
	}
	before := mustState(t, ts.DB)
	for name, ep := range endpoints {
		for _, h := range headers {
			t.Run(name+", "+h.name, func(t *testing.T) {
				r := ep
				r.Auth = h.auth
				assertError(t, ts.send(t, r), http.StatusUnauthorized, syncengine.CodeUnauthorized)
			})
		}
	}
	assertUnchanged(t, ts.DB, before)
	// The same requests with the device's token are admitted.
	for name, ep := range endpoints {
		r := ep
		r.Auth = bearer(dev.Token)
		if resp := ts.send(t, r); resp.Status != http.StatusOK {
			t.Errorf("%s with the device's token: HTTP %d %s", name, resp.Status, resp.Body)
		}
	}
}

// enrollRaw posts an enrollment request.
func (ts *testServer) enrollRaw(t *testing.T, code string, site syncengine.SiteID) response {
	t.Helper()
	return ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathEnroll, ContentType: "application/json",
		Body: mustJSON(t, syncengine.EnrollRequest{Code: code, Site: site, PublicKey: deviceKey(t, site).Public().(ed25519.PublicKey)})})
}

// mustEnrolled checks that resp enrolled a device for communes with a token
// the server accepts, and returns the token.
func (ts *testServer) mustEnrolled(t *testing.T, resp response, communes ...string) string {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("enroll: HTTP %d %s", resp.Status, resp.Body)
	}
	var er syncengine.EnrollResponse
	mustDecode(t, resp.Body, &er)
	if er.Token == "" || er.ServerSite != ts.DB.Site() || er.Incarnation != ts.DB.Incarnation() ||
		strings.Join(er.Scopes, ",") != strings.Join(communes, ",") || er.Officer == "" {
		t.Fatalf("enroll answer %+v: want a token, the server's site and incarnation, communes %v", er, communes)
	}
	v := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(er.Token)})
	if v.Status != http.StatusOK {
		t.Fatalf("the new token is refused: HTTP %d %s", v.Status, v.Body)
	}
	return er.Token
}

func TestEnrollCodeWorksOnce(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	code := ts.mustCode(t, time.Hour, communeA, communeB)
	first := uuid.New()
	token := ts.mustEnrolled(t, ts.enrollRaw(t, code, first), communeA, communeB)
	before := mustState(t, ts.DB)
	assertError(t, ts.enrollRaw(t, code, uuid.New()), http.StatusUnauthorized, syncengine.CodeUnauthorized)
	assertUnchanged(t, ts.DB, before)
	// The site that spent it may spend it again while it is valid (its
	// init was killed before it saved the token): it gets a new token, and
	// the first one stops working.
	again := ts.mustEnrolled(t, ts.enrollRaw(t, code, first), communeA, communeB)
	if again == token {
		t.Fatal("enrolling again gave the same token")
	}
	assertError(t, ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(token)}),
		http.StatusUnauthorized, syncengine.CodeUnauthorized)
	// Once revoked, its old code does not bring it back.
	if _, err := ts.Reg.Revoke(context.Background(), first.String()); err != nil {
		t.Fatal(err)
	}
	assertError(t, ts.enrollRaw(t, code, first), http.StatusUnauthorized, syncengine.CodeUnauthorized)
	if devs, err := ts.Reg.Devices(context.Background()); err != nil || len(devs) != 1 {
		t.Errorf("devices after a replayed code: %v, %v; want only the first", devs, err)
	}
}

func TestEnrollRefusesExpiredCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ttl     time.Duration
		advance time.Duration
	}{
		{"negative ttl", -time.Minute, 0},
		{"zero ttl", 0, 0},
		{"a millisecond ttl, a second later", time.Millisecond, time.Second},
		{"a day's ttl, a day and a millisecond later", 24 * time.Hour, 24*time.Hour + time.Millisecond},
		{"a day's ttl, exactly a day later", 24 * time.Hour, 24 * time.Hour},
	}
	ts := mustServer(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := ts.mustCode(t, tt.ttl, communeA)
			ts.Clock.advance(tt.advance)
			assertError(t, ts.enrollRaw(t, code, uuid.New()), http.StatusUnauthorized, syncengine.CodeUnauthorized)
			if devs, err := ts.Reg.Devices(context.Background()); err != nil || len(devs) != 0 {
				t.Errorf("devices: %v, %v; want none", devs, err)
			}
		})
	}
	t.Run("a day's ttl, a millisecond before it ends", func(t *testing.T) {
		code := ts.mustCode(t, 24*time.Hour, communeA)
		ts.Clock.advance(24*time.Hour - time.Millisecond)
		ts.mustEnrolled(t, ts.enrollRaw(t, code, uuid.New()), communeA)
	})
}

func TestEnrollRefusesAnEnrolledSiteWithoutSpendingTheCode(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	code := ts.mustCode(t, time.Hour, communeB)
	assertError(t, ts.enrollRaw(t, code, dev.Site()), http.StatusForbidden, syncengine.CodeForbidden)
	// The device keeps its first enrollment ...
	got, err := ts.Reg.Authenticate(context.Background(), dev.Token)
	if err != nil || strings.Join(got.Communes, ",") != communeA {
		t.Errorf("device after a refused second enrollment: %+v, %v; want still enrolled for %s only", got, err, communeA)
	}
	// ... and the code still works for another site.
	ts.mustEnrolled(t, ts.enrollRaw(t, code, uuid.New()), communeB)
}

func TestEnrollForgivesCaseSpacesAndDashes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		typed func(code string) string
	}{
		{"as given", func(c string) string { return c }},
		{"lower case", strings.ToLower},
		{"without dashes", func(c string) string { return strings.ReplaceAll(c, "-", "") }},
		{"spaces for dashes", func(c string) string { return strings.ReplaceAll(c, "-", " ") }},
		{"lower case, no dashes, surrounding spaces", func(c string) string {
			return "  " + strings.ToLower(strings.ReplaceAll(c, "-", "")) + " "
		}},
		{"dashes everywhere", func(c string) string { return strings.Join(strings.Split(c, ""), "-") }},
	}
	ts := mustServer(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := ts.mustCode(t, time.Hour, communeA)
			ts.mustEnrolled(t, ts.enrollRaw(t, tt.typed(code), uuid.New()), communeA)
		})
	}
	t.Run("a different code", func(t *testing.T) {
		code := ts.mustCode(t, time.Hour, communeA)
		last := code[len(code)-1]
		other := byte('0')
		if last == '0' {
			other = '1'
		}
		assertError(t, ts.enrollRaw(t, code[:len(code)-1]+string(other), uuid.New()), http.StatusUnauthorized, syncengine.CodeUnauthorized)
	})
}

func TestEnrollRefusesMalformedRequests(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	code := ts.mustCode(t, time.Hour, communeA)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"no code", `{"site_id":"` + uuid.NewString() + `"}`, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"no site", `{"code":"` + code + `"}`, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"site is not a UUID", `{"code":"` + code + `","site_id":"laptop-7"}`, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"unknown field", `{"code":"` + code + `","site_id":"` + uuid.NewString() + `","officer":"me"}`, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"not JSON", `code=` + code, http.StatusBadRequest, syncengine.CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathEnroll, ContentType: "application/json", Body: []byte(tt.body)})
			assertError(t, resp, tt.status, tt.code)
		})
	}
	// None of them spent the code.
	ts.mustEnrolled(t, ts.enrollRaw(t, code, uuid.New()), communeA)
}

func TestInternalErrorsShowNoDetail(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	if err := ts.DB.Close(); err != nil {
		t.Fatalf("close server database: %v", err)
	}
	resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(dev.Token)})
	assertError(t, resp, http.StatusInternalServerError, syncengine.CodeInternal)
	// The detail goes to the server's log instead.
	if log := ts.Log.String(); !strings.Contains(log, "database is closed") {
		t.Errorf("the server's log does not hold the internal error:\n%s", log)
	}
}
