package syncengine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestClientStopsWhenTheServerRepeatsRefusals: a server that answers the
// same refusals however often it is told they were heard must not keep
// the client asking forever.
func TestClientStopsWhenTheServerRepeatsRefusals(t *testing.T) {
	db := mustOpen(t, "device")
	mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		json.NewEncoder(w).Encode(VersionsResponse{
			Versions: map[SiteID]uint64{db.Site(): 1},
			Rejected: []Rejected{{Site: db.Site(), Seq: 1, Code: CodeOutOfScope, Message: "not yours"}},
		})
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Token: "t"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Sync(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "repeats refusals") {
		t.Fatalf("sync against a server repeating refusals: %v", err)
	}
	if n := asked.Load(); n > 3 {
		t.Errorf("the client asked %d times", n)
	}
}
