package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"hodan/syncengine"
)

// TestPushRefusesUnsignedAndForgedBatches pushes, to the real server, a
// batch whose signature is wrong in each way a forger's could be, and
// checks that it is refused, with its code, and changes nothing: not the
// state, not the log, not the batches.
func TestPushRefusesUnsignedAndForgedBatches(t *testing.T) {
	ctx := context.Background()
	s := mustDistrict(t)
	a := s.mustLaptop("a", "Lò Văn Minh", communeA)
	b := s.mustLaptop("b", "Hà Thị Lan", communeA)
	a.mustInsert(t, "households", household(communeA, "Lường Văn Thắng"))
	a.mustSync(t)
	h := b.mustInsert(t, "households", household(communeA, "Hà Văn Nam"))
	b.mustInsert(t, "members", member(h, "Hà Thị Nga"))
	changes, err := b.DB.Pending(ctx, b.DB.Site(), 0, 1000)
	if err != nil || len(changes) == 0 {
		t.Fatalf("b's changes: %d, %v", len(changes), err)
	}
	good := syncengine.SignBatch(b.Client.Key, b.DB.Site(), changes)
	flipped := bytes.Clone(good)
	flipped[3] ^= 0x40
	altered := append([]syncengine.Change(nil), changes...)
	for i := range altered {
		if altered[i].Column == "head_name" {
			altered[i].Value = syncengine.Text("Hà Văn Giả")
		}
	}

	for _, tc := range []struct {
		name    string
		changes []syncengine.Change
		sig     []byte
		status  int
		code    string
	}{
		{"unsigned", changes, nil, http.StatusBadRequest, syncengine.CodeUnsigned},
		{"a bit of the signature flipped", changes, flipped, http.StatusForbidden, syncengine.CodeBadSignature},
		{"signed by another device's key", changes, syncengine.SignBatch(a.Client.Key, b.DB.Site(), changes), http.StatusForbidden, syncengine.CodeBadSignature},
		{"signed as another device", changes, syncengine.SignBatch(b.Client.Key, a.DB.Site(), changes), http.StatusForbidden, syncengine.CodeBadSignature},
		{"a change altered after signing", altered, good, http.StatusForbidden, syncengine.CodeBadSignature},
		{"a change dropped after signing", changes[1:], good, http.StatusForbidden, syncengine.CodeBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.state(t)
			status, code := s.push(t, b.Client.Token, syncengine.PushRequest{Changes: tc.changes, Signature: tc.sig})
			if status != tc.status || code != tc.code {
				t.Errorf("push: HTTP %d %q, want %d %q", status, code, tc.status, tc.code)
			}
			if after := s.state(t); after != before {
				t.Errorf("a refused push changed the server: before %+v, after %+v", before, after)
			}
		})
	}

	// The same batch, signed right, goes in: the refusals were for the
	// signatures, not for the changes.
	before := s.state(t)
	if status, code := s.push(t, b.Client.Token, syncengine.PushRequest{Changes: changes, Signature: good}); status != http.StatusOK {
		t.Fatalf("the batch signed right: HTTP %d %q", status, code)
	}
	if after := s.state(t); after.Entries != before.Entries+uint64(len(changes)) {
		t.Errorf("the batch signed right: the log went from %d to %d entries, want +%d", before.Entries, after.Entries, len(changes))
	}
}

// serverState is what a refused push must leave as it was.
type serverState struct {
	Digest  string
	Entries uint64
	Head    syncengine.Hash
}

func (d *district) state(t *testing.T) serverState {
	t.Helper()
	size, head, err := d.DB.LogHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return serverState{Digest: mustDigest(t, d.DB, ""), Entries: size, Head: head}
}

// push posts a push request as the device with token, and returns the
// status and the error code (if any).
func (d *district) push(t *testing.T, token string, req syncengine.PushRequest) (int, string) {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	hr, err := http.NewRequest(http.MethodPost, d.URL+syncengine.PathPush, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error.Code
}
