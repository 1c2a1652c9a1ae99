package httpd_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

func TestPushRefusesMalformedBodies(t *testing.T) {
	t.Parallel()
	const maxBody = 4 << 10
	ts := mustServer(t, func(c *httpd.Config) { c.MaxBody = maxBody })
	a := mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	valid := pushBody(t, mustOwnChanges(t, a.DB))
	if len(valid) > maxBody/2 {
		t.Fatalf("the valid batch is %d bytes; the cases below need it under %d", len(valid), maxBody/2)
	}
	zipped := mustGzip(t, valid)
	// padded is the valid batch followed by whitespace: harmless JSON, but
	// past the bound on a decompressed body.
	padded := append(append([]byte{}, valid...), bytes.Repeat([]byte(" "), 16*maxBody)...)
	// inside is a batch with the whitespace inside the array.
	inside := []byte(`{"changes":[` + strings.Repeat(" ", 32*maxBody) + string(valid[len(`{"changes":[`):]))
	unknownInChange := bytes.Replace(valid, []byte(`"t":`), []byte(`"x":1,"t":`), 1)

	tests := []struct {
		name        string
		contentType string
		encoding    string
		body        []byte
		chunked     bool
		status      int
		code        string
	}{
		{"no Content-Type", "", "", valid, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"text/plain", "text/plain", "", valid, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"form", "application/x-www-form-urlencoded", "", valid, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"malformed Content-Type", "application/json; charset", "", valid, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"brotli", "application/json", "br", zipped, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"deflate", "application/json", "deflate", zipped, false, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"truncated gzip", "application/json", "gzip", zipped[:len(zipped)/2], false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"gzip without its trailer", "application/json", "gzip", zipped[:len(zipped)-8], false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"gzip with a wrong checksum", "application/json", "gzip", corruptChecksum(zipped), false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"gzip header on plain JSON", "application/json", "gzip", valid, false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"empty body", "application/json", "", []byte{}, false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"invalid JSON", "application/json", "", valid[:len(valid)-2], false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"not an object", "application/json", "", []byte(`[1,2,3]`), false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"unknown top-level field", "application/json", "", []byte(`{"changes":[],"device":"x"}`), false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"unknown field in a change", "application/json", "", unknownInChange, false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"two JSON values", "application/json", "", append(append([]byte{}, valid...), valid...), false, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"over MaxBody", "application/json", "", padded[:maxBody+1], false, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
		// Without a Content-Length the wire bound is only met while reading;
		// it must still be answered as too_large, even when the JSON value
		// ends before the bound.
		{"over MaxBody, chunked", "application/json", "", padded[:maxBody+1], true, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
		{"over MaxBody, gzip", "application/json", "gzip", bytes.Repeat(zipped, maxBody/len(zipped)+1), false, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
		{"gzip bomb after the batch", "application/json", "gzip", mustGzip(t, padded), false, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
		{"gzip bomb inside the batch", "application/json", "gzip", mustGzip(t, inside), false, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
		{"gzip bomb, chunked", "application/json", "gzip", mustGzip(t, inside), true, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
	}
	before := mustState(t, ts.DB)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == syncengine.CodeTooLarge && strings.HasPrefix(tt.name, "gzip bomb") && len(tt.body) > maxBody {
				t.Fatalf("the bomb is %d bytes compressed, over MaxBody: it tests nothing", len(tt.body))
			}
			resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(a.Token),
				ContentType: tt.contentType, Encoding: tt.encoding, Body: tt.body, Chunked: tt.chunked})
			assertError(t, resp, tt.status, tt.code)
			assertUnchanged(t, ts.DB, before)
		})
	}
	// The valid batch, plain or gzipped, at or under MaxBody, is accepted.
	for _, tt := range []struct {
		name     string
		encoding string
		body     []byte
	}{
		{"gzip", "gzip", zipped},
		{"plain, exactly MaxBody", "", padded[:maxBody]},
	} {
		resp := ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(a.Token),
			ContentType: "application/json; charset=utf-8", Encoding: tt.encoding, Body: tt.body})
		if resp.Status != http.StatusOK {
			t.Errorf("%s: HTTP %d %s", tt.name, resp.Status, resp.Body)
		}
	}
	if got, want := mustDigest(t, ts.DB, communeA), mustDigest(t, a.DB, communeA); got != want {
		t.Errorf("after the valid batch: server digest %s, device %s", got, want)
	}
}

// corruptChecksum flips a bit of a gzip stream's CRC-32.
func corruptChecksum(gz []byte) []byte {
	out := append([]byte{}, gz...)
	out[len(out)-8] ^= 1
	return out
}
