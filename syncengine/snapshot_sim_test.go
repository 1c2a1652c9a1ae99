package syncengine

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
)

// serveSnapshot is /v1/snapshot as server/httpd serves it: the snapshot of
// the device's communes (built anew for every request), gzipped.
func (w *simWorld) serveSnapshot(sr simRequest) (int, []byte) {
	path := filepath.Join(w.t.TempDir(), "snapshot.sqlite")
	_, err := w.server.db.BuildSnapshot(w.ctx, sr.dev.scopes, path)
	var raw []byte
	if err == nil {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		w.t.Errorf("server, snapshot for %s: %v", sr.dev.name, err)
		return http.StatusInternalServerError, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeInternal, Message: err.Error()}}))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	w.note("snapshot for %s", sr.dev.name) // not its size: row ids keep the time they were made
	return http.StatusOK, buf.Bytes()
}

// simHeader is the header of the simulated server's answer with status
// and body: a snapshot's announces the SHA-256 of the body as delivered (an
// answer the network cut short is then found out by gzip), every other
// answer is JSON.
func simHeader(sr simRequest, status int, body []byte) http.Header {
	if sr.url.Path != PathSnapshot || status != http.StatusOK {
		return http.Header{"Content-Type": {"application/json"}}
	}
	sum := sha256.Sum256(body)
	return http.Header{"Content-Type": {"application/gzip"}, HeaderSnapshotSHA256: {hex.EncodeToString(sum[:])}}
}
