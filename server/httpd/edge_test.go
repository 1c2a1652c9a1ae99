package httpd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// TestBadPushesLeaveTheServerExactlyAsItWas sends the matrix of bad input
// at the push endpoint (malformed transport, bad content, broken sequences)
// to a server that already holds other devices' work in two communes and
// the first batch of this device. Each is refused with its own 4xx code
// and a message that says what to do, or, for a batch the server already
// holds, answered 200 as duplicates; and the server's digest of every
// commune, its whole log, its versions and its refusals stay exactly as
// they were. body_test.go and push_test.go try more variants of the
// transport and shape errors on an empty server.
func TestBadPushesLeaveTheServerExactlyAsItWas(t *testing.T) {
	t.Parallel()
	const maxBody = 16 << 10
	fx := mustEdgeFixture(t, maxBody)
	held, next := fx.held, fx.next
	valid := pushBody(t, next)
	zipped := mustGzip(t, valid)
	// bomb is a batch whose JSON is padded, inside its array, past the bound
	// on a decompressed body; it is far under maxBody compressed.
	bomb := mustGzip(t, []byte(`{"changes":[`+strings.Repeat(" ", 16*maxBody)+string(valid[len(`{"changes":[`):])))
	tests := []struct {
		name        string
		contentType string // "" for application/json
		encoding    string
		body        []byte
		status      int
		code        string // "" for a 200 of duplicates
		hint        string // what the message must say
		dups        int    // for a 200: how many duplicates it holds
	}{
		{"truncated gzip", "", "gzip", zipped[:len(zipped)*2/3], http.StatusBadRequest, syncengine.CodeBadRequest, "send it again", 0},
		{"wrong Content-Type", "text/plain; charset=utf-8", "", valid, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type: application/json", 0},
		{"body past the limit", "", "", append(valid[:len(valid):len(valid)], bytes.Repeat([]byte(" "), maxBody)...), http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge, "send smaller batches", 0},
		{"gzip bomb", "", "gzip", bomb, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge, "send smaller batches", 0},
		{"unknown table", "", "", fx.edit(t, func(c []syncengine.Change) { c[0].Table = "livestock" }), http.StatusUnprocessableEntity, syncengine.CodeUnknownTable, "upgrade the server", 0},
		{"unknown column", "", "", fx.edit(t, func(c []syncengine.Change) { lastCell(c).Column = "buffalo_count" }), http.StatusUnprocessableEntity, syncengine.CodeUnknownColumn, "upgrade the server", 0},
		{"text for a whole number", "", "", fx.cell(t, "head_birth_year", syncengine.Text("1979")), http.StatusBadRequest, syncengine.CodeInvalidValue, "head_birth_year takes a whole number", 0},
		{"fraction for a whole number", "", "", fx.cell(t, "head_birth_year", syncengine.Real(1979.5)), http.StatusBadRequest, syncengine.CodeInvalidValue, "head_birth_year takes a whole number", 0},
		{"number for text", "", "", fx.cell(t, "head_name", syncengine.Int(7)), http.StatusBadRequest, syncengine.CodeInvalidValue, "head_name takes text", 0},
		{"bytes for text", "", "", fx.cell(t, "head_name", syncengine.Blob([]byte("Lò"))), http.StatusBadRequest, syncengine.CodeInvalidValue, "head_name takes text", 0},
		{"2 for yes or no", "", "", fx.cell(t, "dep_employment", syncengine.Int(2)), http.StatusBadRequest, syncengine.CodeInvalidValue, "dep_employment is yes or no", 0},
		{"name for a row id", "", "", fx.cell(t, "village_id", syncengine.Text("Bản Nà")), http.StatusBadRequest, syncengine.CodeInvalidValue, "village_id \"Bản Nà\" is not a row id", 0},
		{"text not in UTF-8", "", "", bytes.Replace(valid, []byte("Quàng"), []byte("Qu\xe0ng"), 1), http.StatusBadRequest, syncengine.CodeBadRequest, "text is not valid UTF-8", 0},
		{"a blob with a member besides x", "", "", bytes.Replace(fx.cell(t, "head_name", syncengine.Blob([]byte("Lò"))), []byte(`{"x":`), []byte(`{"type":"image/png","x":`), 1), http.StatusBadRequest, syncengine.CodeBadRequest, "{\"x\": base64} and nothing more", 0},
		{"another device's changes", "", "", pushBody(t, fx.other), http.StatusForbidden, syncengine.CodeForeignOrigin, "a device pushes only its own changes", 0},
		{"sequence numbers that skip", "", "", fx.edit(t, func(c []syncengine.Change) { c[len(c)-1].Seq++ }), http.StatusConflict, syncengine.CodeSequenceGap, "push from there", 0},
		{"a batch past what the server holds", "", "", pushBody(t, next[1:]), http.StatusConflict, syncengine.CodeSequenceGap, "push from there", 0},
		{"a held sequence number with other content", "", "", fx.reuse(t), http.StatusConflict, syncengine.CodeSeqReused, "update hodan and sync again", 0},
		{"the last batch again", "", "", pushBody(t, held[len(held)/2:]), http.StatusOK, "", "", len(held) - len(held)/2},
		{"an old batch replayed", "", "", pushBody(t, held[:len(held)/2]), http.StatusOK, "", "", len(held) / 2},
		{"every held change replayed, gzipped", "", "gzip", mustGzip(t, pushBody(t, held)), http.StatusOK, "", "", len(held)},
	}
	before := mustExactState(t, fx.ts.DB)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			resp := fx.ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(fx.dev.Token),
				ContentType: ct, Encoding: tt.encoding, Body: tt.body})
			if tt.code == "" {
				var pr syncengine.PushResponse
				if resp.Status != http.StatusOK {
					t.Fatalf("HTTP %d %s; want 200", resp.Status, resp.Body)
				}
				mustDecode(t, resp.Body, &pr)
				if pr.Applied != 0 || pr.Duplicates != tt.dups || len(pr.Rejected) != 0 {
					t.Errorf("%+v; want %d duplicates, nothing applied or refused", pr, tt.dups)
				}
			} else {
				assertError(t, resp, tt.status, tt.code)
				var er syncengine.ErrorResponse
				if json.Unmarshal(resp.Body, &er); !strings.Contains(er.Error.Message, tt.hint) {
					t.Errorf("message %q does not say %q", er.Error.Message, tt.hint)
				}
			}
			assertExactlyUnchanged(t, fx.ts.DB, before)
		})
	}
	// The device's next batch, intact, is still taken whole.
	if pr := fx.ts.mustPush(t, fx.dev.Token, next); pr.Applied != len(next) || pr.Versions[fx.dev.Site()] != next[len(next)-1].Seq {
		t.Errorf("the intact next batch after the bad ones: %+v", pr)
	}
}

// edgeFixture is a server that holds the work of a device of two communes
// and the first batch of dev; next is dev's batch after it.
type edgeFixture struct {
	ts    *testServer
	dev   *device
	held  []syncengine.Change // what the server holds of dev
	next  []syncengine.Change // dev's next batch
	other []syncengine.Change // changes of the other device, which dev may not push
}

func mustEdgeFixture(t *testing.T, maxBody int64) *edgeFixture {
	t.Helper()
	ts := mustServer(t, func(c *httpd.Config) { c.MaxBody = maxBody })
	other := mustDevice(t, ts, communeA, communeB)
	mustHousehold(t, other.DB, communeA, "Hà Văn Dũng")
	mustHousehold(t, other.DB, communeB, "Nguyễn Thị Thu")
	if _, err := other.Client.Sync(context.Background(), other.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
	dev := mustDevice(t, ts, communeA)
	mustHousehold(t, dev.DB, communeA, "Lò Thị Én")
	n := len(mustOwnChanges(t, dev.DB))
	mustHousehold(t, dev.DB, communeA, "Quàng Văn Tú")
	all := mustOwnChanges(t, dev.DB)
	fx := &edgeFixture{ts: ts, dev: dev, held: all[:n], next: all[n:], other: mustOwnChanges(t, other.DB)}
	ts.mustPush(t, dev.Token, fx.held[:n/2])
	ts.mustPush(t, dev.Token, fx.held[n/2:])
	return fx
}

// edit returns the body of dev's next batch as mutate leaves it.
func (fx *edgeFixture) edit(t *testing.T, mutate func([]syncengine.Change)) []byte {
	t.Helper()
	batch := append([]syncengine.Change{}, fx.next...)
	mutate(batch)
	return pushBody(t, batch)
}

// cell returns the body of dev's next batch whose last cell change sets
// col of its household to v instead.
func (fx *edgeFixture) cell(t *testing.T, col string, v syncengine.Value) []byte {
	t.Helper()
	return fx.edit(t, func(c []syncengine.Change) { lastCell(c).Column, lastCell(c).Value = col, v })
}

// reuse returns a batch that sends the last held change again with a
// new value, then the next batch.
func (fx *edgeFixture) reuse(t *testing.T) []byte {
	t.Helper()
	last := fx.held[len(fx.held)-1]
	last.Value, last.HLC = syncengine.Text("near_poor"), last.HLC+1
	if fx.held[len(fx.held)-1].Value.Equal(last.Value) {
		t.Fatalf("the last held change already holds %v", last.Value)
	}
	return pushBody(t, append([]syncengine.Change{last}, fx.next...))
}

// lastCell is the last change in c that writes a cell.
func lastCell(c []syncengine.Change) *syncengine.Change {
	for i := len(c) - 1; i >= 0; i-- {
		if !c[i].IsExists() {
			return &c[i]
		}
	}
	panic("no cell change in the batch")
}

// exactState is everything a refused request must leave exactly as it
// was: the digest of every commune and of all of them, the whole log as
// ReadLog returns it, and what the server holds of each origin and refused.
type exactState struct {
	Digests  string
	Log      string
	Versions string
	Refused  string
}

func mustExactState(t *testing.T, db *syncengine.DB) exactState {
	t.Helper()
	ctx := context.Background()
	scopes := mustColumn(t, db, `SELECT DISTINCT scope FROM sync_rows`)
	sort.Strings(scopes)
	var digests strings.Builder
	for _, scope := range append([]string{""}, scopes...) {
		fmt.Fprintf(&digests, "%q %s\n", scope, mustDigest(t, db, scope))
	}
	changes, seqs, err := db.ReadLog(ctx, 0, 1<<30)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	return exactState{
		Digests:  digests.String(),
		Log:      string(mustJSON(t, map[string]any{"changes": changes, "seqs": seqs})),
		Versions: strings.Join(mustColumn(t, db, `SELECT origin || ':' || seq FROM sync_versions ORDER BY origin`), " "),
		Refused:  strings.Join(mustColumn(t, db, `SELECT origin || ':' || origin_seq || ':' || code FROM sync_rejected ORDER BY origin, origin_seq`), " "),
	}
}

// assertExactlyUnchanged fails the test if db's state is not before.
func assertExactlyUnchanged(t *testing.T, db *syncengine.DB, before exactState) {
	t.Helper()
	after := mustExactState(t, db)
	if after.Digests != before.Digests {
		t.Errorf("digests changed:\n%s\nthen\n%s", before.Digests, after.Digests)
	}
	if after.Log != before.Log {
		t.Errorf("the log changed: %d bytes of JSON, then %d", len(before.Log), len(after.Log))
	}
	if after.Versions != before.Versions || after.Refused != before.Refused {
		t.Errorf("versions or refusals changed: %q %q, then %q %q", before.Versions, before.Refused, after.Versions, after.Refused)
	}
}

// mustColumn reads the one text column query selects.
func mustColumn(t testing.TB, db *syncengine.DB, query string) []string {
	t.Helper()
	rows, err := db.SQL().Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, s)
	}
	return out
}
