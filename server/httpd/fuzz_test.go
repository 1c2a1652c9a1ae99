package httpd_test

// Fuzz targets for what the server decodes from the network: push bodies
// (plain and gzip), the query parameters of the GET endpoints, enrollment
// requests and the Authorization header, each against the real Echo
// handler on a real SQLite database. Whatever arrives, the server answers
// 2xx or a 4xx error of the protocol's shape, never 5xx, and a refused
// request changes nothing. Seed corpora are in testdata/fuzz/<Target>; run
// one target with
//
//	go test -run '^$' -fuzz '^FuzzPush$' -fuzztime 5m -parallel 1 ./server/httpd

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/server/httpd"
	"hodan/syncengine"
)

// statusOfCode is the protocol's map from error code to HTTP status.
var statusOfCode = map[string]int{
	syncengine.CodeBadRequest:    http.StatusBadRequest,
	syncengine.CodeInvalidValue:  http.StatusBadRequest,
	syncengine.CodeUnauthorized:  http.StatusUnauthorized,
	syncengine.CodeForbidden:     http.StatusForbidden,
	syncengine.CodeOutOfScope:    http.StatusForbidden,
	syncengine.CodeForeignOrigin: http.StatusForbidden,
	syncengine.CodeBadSignature:  http.StatusForbidden,
	syncengine.CodeUnsigned:      http.StatusBadRequest,
	syncengine.CodeSequenceGap:   http.StatusConflict,
	syncengine.CodeSeqReused:     http.StatusConflict,
	syncengine.CodeTooLarge:      http.StatusRequestEntityTooLarge,
	"unsupported_media_type":     http.StatusUnsupportedMediaType,
	syncengine.CodeUnknownTable:  http.StatusUnprocessableEntity,
	syncengine.CodeUnknownColumn: http.StatusUnprocessableEntity,
	syncengine.CodeRateLimited:   http.StatusTooManyRequests,
}

// FuzzPush posts any bytes as a push body, plain (mode 0), gzipped by the
// test (mode 1) or as a gzip stream as they are (mode 2), from a device
// enrolled for the input alone. "$SITE" and "$COMMUNE" in the input become
// the device's site id and commune. A batch the server takes is answered
// with counts that add up to the batch, and the log grows by what it says
// it applied; a batch it refuses is refused with a 4xx code that explains
// it, and the server's log, versions, refusals and the commune's digest
// stay as they were.
func FuzzPush(f *testing.F) {
	fz := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		dev := fz.enroll(t)
		body = bytes.ReplaceAll(body, []byte("$SITE"), []byte(dev.site.String()))
		body = bytes.ReplaceAll(body, []byte("$COMMUNE"), []byte(dev.commune))
		body = signFuzzed(t, body, dev.site)
		plain, encoding := body, ""
		switch mode % 3 {
		case 1:
			body, encoding = mustGzip(t, body), "gzip"
		case 2:
			encoding, plain = "gzip", gunzip(body)
		}
		before := fz.state(t, dev)
		resp := fz.ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(dev.token),
			ContentType: "application/json", Encoding: encoding, Body: body})
		fz.assertPush(t, dev, before, resp, func() ([]syncengine.Change, error) {
			var req syncengine.PushRequest
			err := json.Unmarshal(plain, &req)
			return req.Changes, err
		})
	})
}

// assertPush checks the server's answer to a push from dev, made in state
// before, of the changes decode gives: a refusal of the protocol's shape
// that changed nothing, or an answer whose counts add up to the batch and
// to what the log grew by.
func (fz *fuzzServer) assertPush(t *testing.T, dev fuzzDevice, before pushState, resp response, decode func() ([]syncengine.Change, error)) {
	t.Helper()
	if resp.Status != http.StatusOK {
		assertRefusal(t, resp, syncengine.CodeBadRequest, syncengine.CodeInvalidValue, syncengine.CodeForeignOrigin,
			syncengine.CodeSequenceGap, syncengine.CodeSeqReused, syncengine.CodeTooLarge,
			syncengine.CodeUnknownTable, syncengine.CodeUnknownColumn, syncengine.CodeUnsigned, syncengine.CodeBadSignature)
		if after := fz.state(t, dev); after != before {
			t.Fatalf("refused push changed the server: %+v, then %+v", before, after)
		}
		return
	}
	changes, err := decode()
	if err != nil {
		t.Fatalf("the server took a body that does not decode: %v", err)
	}
	var pr syncengine.PushResponse
	mustDecode(t, resp.Body, &pr)
	after := fz.state(t, dev)
	// Each change is applied, a duplicate, or refused for the first
	// time; a duplicate of a refused one is listed as refused again.
	refused := after.Refusals - before.Refusals
	if n := pr.Applied + pr.Duplicates + refused; n != len(changes) {
		t.Fatalf("a batch of %d changes: %d applied, %d duplicates, %d refused (%d of them now)", len(changes), pr.Applied, pr.Duplicates, len(pr.Rejected), refused)
	}
	if after.Head-before.Head != uint64(pr.Applied) {
		t.Fatalf("applied %d changes, the log grew by %d", pr.Applied, after.Head-before.Head)
	}
	seqs := map[uint64]bool{}
	var last uint64
	for _, c := range changes {
		last, seqs[c.Seq] = max(last, c.Seq), true
	}
	if pr.Versions[dev.site] != last {
		t.Fatalf("a batch up to #%d: versions %v", last, pr.Versions)
	}
	for _, r := range pr.Rejected {
		if r.Site != dev.site || !seqs[r.Seq] || r.Message == "" || !slices.Contains(changeRefusals, r.Code) {
			t.Fatalf("refused %+v: not a change of the batch, or not a reason a change is refused for", r)
		}
	}
}

// changeRefusals are the codes the server refuses one change of a batch
// with (vetter): out of the device's communes, a link to another commune,
// an officer the device is not enrolled for, text no field may hold or an
// early date, a stamp too far ahead.
var changeRefusals = []string{syncengine.CodeOutOfScope, syncengine.CodeScopeMismatch, syncengine.CodeForbidden,
	syncengine.CodeInvalidValue, syncengine.CodeClockSkew}

// FuzzQuery sends any query string to the GET endpoints (versions, pull,
// digest) as an enrolled device. Each answers 200 exactly when every
// parameter is well formed, and a 4xx error otherwise; a pull continues
// after a cursor that names an entry of the log and its chain, and starts
// again (reset) from any other.
func FuzzQuery(f *testing.F) {
	fz := newFuzzServer(f)
	ctx := context.Background()
	a, b := mustDevice(f, fz.ts, communeA), mustDevice(f, fz.ts, communeA)
	for _, d := range []*device{a, b} {
		mustHousehold(f, d.DB, communeA, "Lò Văn Páo")
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			f.Fatalf("sync: %v", err)
		}
	}
	chains := mustChains(f, fz.ts.DB)
	for seq, chain := range chains { // the log's own cursors, made at run time
		f.Add(uint8(1), fmt.Sprintf("after=%d&chain=%s&limit=2", seq, chain))
	}
	paths := []string{syncengine.PathVersions, syncengine.PathPull, syncengine.PathDigest}
	f.Fuzz(func(t *testing.T, endpoint uint8, query string) {
		path := paths[int(endpoint)%len(paths)]
		query = escapeForRequestLine(query)
		resp := fz.ts.send(t, request{Method: http.MethodGet, Path: path + "?" + query, Auth: bearer(a.Token)})
		params, _ := url.ParseQuery(query) // as Echo reads them
		var want string                    // the error code the parameters call for, "" for none
		switch path {
		case syncengine.PathVersions:
			want = badIf(!wholeNumber(params.Get("rejected_after")))
		case syncengine.PathPull:
			want = badIf(!wholeNumber(params.Get("after")) || !isHex(params.Get("chain")) || !validLimit(params.Get("limit")))
		case syncengine.PathDigest:
			switch commune := params.Get("commune"); {
			case commune == "":
				want = syncengine.CodeBadRequest
			case commune != communeA:
				want = syncengine.CodeOutOfScope
			}
		}
		if want != "" {
			assertRefusal(t, resp, want)
			return
		}
		if resp.Status != http.StatusOK {
			t.Fatalf("GET %s?%s: HTTP %d %s; want 200", path, query, resp.Status, resp.Body)
		}
		if path == syncengine.PathPull {
			assertPullPage(t, resp, params, chains, fz.ts.DB.Incarnation())
		}
	})
}

// FuzzEnroll posts any bytes as an enrollment request, each from a network
// address of its own (enrollment is rate limited per address); "$CODE" and
// "$SITE" in the input become a fresh enrollment code and site id. An
// enrollment the server takes gives a token that works, for the code's
// communes; one it refuses leaves the code unspent.
func FuzzEnroll(f *testing.F) {
	fz := newFuzzServer(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		code := fz.ts.mustCode(t, time.Hour, communeA)
		body = bytes.ReplaceAll(body, []byte("$CODE"), []byte(code))
		site := uuid.New()
		key := base64.StdEncoding.EncodeToString(deviceKey(t, site).Public().(ed25519.PublicKey))
		body = bytes.ReplaceAll(body, []byte("$SITE"), []byte(site.String()))
		body = bytes.ReplaceAll(body, []byte("$KEY"), []byte(key))
		resp := fz.sendFromNewAddress(t, request{Method: http.MethodPost, Path: syncengine.PathEnroll, ContentType: "application/json", Body: body})
		if resp.Status != http.StatusOK {
			assertRefusal(t, resp, syncengine.CodeBadRequest, syncengine.CodeUnauthorized, syncengine.CodeForbidden, syncengine.CodeTooLarge)
			site := uuid.New()
			if _, _, err := fz.ts.Reg.Enroll(ctx, code, site, deviceKey(t, site).Public().(ed25519.PublicKey)); err != nil {
				t.Fatalf("after a refused enrollment, the code does not enroll: %v", err)
			}
			return
		}
		var req syncengine.EnrollRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatalf("the server took a body that does not decode: %v", err)
		}
		if len(req.PublicKey) != ed25519.PublicKeySize {
			t.Fatalf("the server enrolled a device with a %d-byte public key", len(req.PublicKey))
		}
		var er syncengine.EnrollResponse
		mustDecode(t, resp.Body, &er)
		if er.Token == "" || !slices.Equal(er.Scopes, []string{communeA}) || er.ServerSite != fz.ts.DB.Site() || er.Incarnation != fz.ts.DB.Incarnation() {
			t.Fatalf("enrolled: %+v", er)
		}
		vr := fz.ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: bearer(er.Token)})
		var versions syncengine.VersionsResponse
		if vr.Status != http.StatusOK {
			t.Fatalf("the new token does not work: HTTP %d %s", vr.Status, vr.Body)
		}
		if mustDecode(t, vr.Body, &versions); len(versions.Versions) != 1 {
			t.Fatalf("the new device's versions: %v, want its own site %s alone", versions.Versions, req.Site)
		}
		if _, ok := versions.Versions[req.Site]; !ok {
			t.Fatalf("the new device's versions: %v, want its own site %s alone", versions.Versions, req.Site)
		}
	})
}

// FuzzAuthorization sends any Authorization header; "$TOKEN" in the input
// becomes an enrolled device's token. The server admits the request only
// with the token, and refuses every other as unauthorized.
func FuzzAuthorization(f *testing.F) {
	fz := newFuzzServer(f)
	dev := mustDevice(f, fz.ts, communeA)
	f.Fuzz(func(t *testing.T, header string) {
		header = strings.ReplaceAll(header, "$TOKEN", dev.Token)
		if !validHeaderValue(header) {
			return // no HTTP client sends it
		}
		resp := fz.ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathVersions, Auth: header})
		if resp.Status == http.StatusOK && !strings.Contains(header, dev.Token) {
			t.Fatalf("Authorization %q admitted without the token", header)
		}
		if resp.Status != http.StatusOK {
			assertRefusal(t, resp, syncengine.CodeUnauthorized)
		}
	})
}

// fuzzServer is the real server a fuzz target keeps from one input to the
// next, and the communes it enrolls devices for, in turn, so that each
// input's commune holds little and its digest stays cheap.
type fuzzServer struct {
	ts       *testServer
	communes []schema.Commune
	n        int
}

// newFuzzServer starts a server with no limit on device request rates:
// a fuzzer sends thousands a second.
func newFuzzServer(f *testing.F) *fuzzServer {
	ts := mustServer(f, func(c *httpd.Config) { c.DeviceRate = -1 })
	return &fuzzServer{ts: ts, communes: schema.Communes2025()}
}

// sendFromNewAddress sends r to the server's handler from a network
// address no request came from before.
func (fz *fuzzServer) sendFromNewAddress(t *testing.T, r request) response {
	t.Helper()
	fz.n++
	req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(r.Body))
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", fz.n>>16&0xff, fz.n>>8&0xff, fz.n&0xff)
	req.Header.Set("Content-Type", r.ContentType)
	rec := httptest.NewRecorder()
	fz.ts.Handler.ServeHTTP(rec, req)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// fuzzDevice is a device enrolled for one fuzz input.
type fuzzDevice struct {
	site    syncengine.SiteID
	token   string
	commune string
}

// signFuzzed signs a fuzzed push body that decodes as a push request and
// carries no signature, as the device would, by adding the signature as
// the object's first member, so that the fuzzer's bytes reach the merge
// rather than stopping at the signature check. Other bodies pass as they
// are.
func signFuzzed(t *testing.T, body []byte, site syncengine.SiteID) []byte {
	var req syncengine.PushRequest
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &req) != nil || req.Signature != nil || len(req.Changes) == 0 {
		return body
	}
	sig := mustJSON(t, syncengine.SignBatch(deviceKey(t, site), site, req.Changes))
	return append(append([]byte(`{"signature":`), sig...), append([]byte{','}, body[1:]...)...)
}

// enroll enrolls a new device for the next commune.
func (fz *fuzzServer) enroll(t *testing.T) fuzzDevice {
	t.Helper()
	fz.n++
	dev := fuzzDevice{site: uuid.New(), commune: fz.communes[fz.n%len(fz.communes)].Code}
	var err error
	dev.token, _, err = fz.ts.Reg.Enroll(context.Background(), fz.ts.mustCode(t, time.Hour, dev.commune), dev.site,
		deviceKey(t, dev.site).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	return dev
}

// pushState is what a refused push must leave as it was: the log (its head
// and chain hash cover every entry before it), what the server holds of
// and refused from the device, and its commune's merged state.
type pushState struct {
	Head     uint64
	Chain    string
	Version  uint64
	Refusals int
	Digest   string
}

func (fz *fuzzServer) state(t *testing.T, dev fuzzDevice) pushState {
	t.Helper()
	ctx := context.Background()
	db := fz.ts.DB
	var st pushState
	var chain []byte
	err := db.SQL().QueryRowContext(ctx, `SELECT seq, chain FROM sync_log ORDER BY seq DESC LIMIT 1`).Scan(&st.Head, &chain)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("log head: %v", err)
	}
	st.Chain = hex.EncodeToString(chain)
	vv, err := db.Versions(ctx, dev.site)
	if err != nil {
		t.Fatalf("versions: %v", err)
	}
	refused, err := db.Rejections(ctx, dev.site, 0, 1<<20)
	if err != nil {
		t.Fatalf("refusals: %v", err)
	}
	st.Version, st.Refusals, st.Digest = vv[dev.site], len(refused), mustDigest(t, db, dev.commune)
	return st
}

// assertRefusal checks that resp is an error of the protocol's shape, with
// one of codes and the status that goes with it.
func assertRefusal(t *testing.T, resp response, codes ...string) {
	t.Helper()
	var er syncengine.ErrorResponse
	if err := json.Unmarshal(resp.Body, &er); err != nil || !slices.Contains(codes, er.Error.Code) {
		t.Fatalf("HTTP %d %s: want an error with one of the codes %v", resp.Status, resp.Body, codes)
	}
	assertError(t, resp, statusOfCode[er.Error.Code], er.Error.Code)
}

// assertPullPage checks a pull page against the cursor the parameters name.
func assertPullPage(t *testing.T, resp response, params url.Values, chains map[uint64]string, incarnation string) {
	t.Helper()
	var page syncengine.PullResponse
	mustDecode(t, resp.Body, &page)
	after, _ := strconv.ParseUint(params.Get("after"), 10, 64)
	chain, ok := chains[after]
	match := after == 0 || (ok && chain == params.Get("chain"))
	if inc := params.Get("incarnation"); inc != "" && inc != incarnation {
		match = false
	}
	if page.Reset == match {
		t.Fatalf("pull %v: reset %v, but the cursor matches: %v", params, page.Reset, match)
	}
	limit := syncengine.DefaultBatchSize
	if l := params.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if len(page.Changes) > limit || page.More != (len(page.Changes) == limit) || chains[page.Next.Seq] != page.Next.Chain {
		t.Fatalf("pull %v: %d changes, more %v, next %+v", params, len(page.Changes), page.More, page.Next)
	}
	for _, c := range page.Changes {
		if c.Scope != communeA {
			t.Fatalf("pull %v: a change of %s", params, c.Scope)
		}
	}
}

// mustChains reads the chain hash at every entry of db's log, by sequence.
func mustChains(t testing.TB, db *syncengine.DB) map[uint64]string {
	t.Helper()
	chains := map[uint64]string{0: ""}
	rows, err := db.SQL().Query(`SELECT seq, chain FROM sync_log`)
	if err != nil {
		t.Fatalf("read chains: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq uint64
		var chain []byte
		if err := rows.Scan(&seq, &chain); err != nil {
			t.Fatalf("read chains: %v", err)
		}
		chains[seq] = hex.EncodeToString(chain)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read chains: %v", err)
	}
	return chains
}

func badIf(bad bool) string {
	if bad {
		return syncengine.CodeBadRequest
	}
	return ""
}

// wholeNumber reports whether s is empty or a sequence number SQLite can
// hold.
func wholeNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 63)
	return s == "" || err == nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && len(s) <= 64
}

func validLimit(s string) bool {
	n, err := strconv.Atoi(s)
	return s == "" || (err == nil && n >= 1 && n <= httpd.MaxPullPage)
}

// escapeForRequestLine percent-encodes what cannot stand in an HTTP request
// line (spaces, controls, '#', non-ASCII), so that the query reaches the
// server as the fuzzer wrote it.
func escapeForRequestLine(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if c := q[i]; c <= ' ' || c >= 0x7f || c == '#' {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// validHeaderValue reports whether an HTTP client can send v as a header
// value: no control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// gunzip decompresses b, or returns nil if it is not a whole gzip stream.
func gunzip(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	return out
}
