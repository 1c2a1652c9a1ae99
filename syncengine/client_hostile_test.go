package syncengine

import (
	"context"
	"encoding/json"
	"errors"
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
			Rejected: []Rejection{{Site: db.Site(), Seq: 1, Code: CodeOutOfScope, Message: "not yours"}},
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

// TestPulledChangesNoHonestServerSendsAreRefused: a change of this very
// replica that it never wrote, or one stamped beyond any clock, would stop
// every later local write; the page is refused and nothing changes.
func TestPulledChangesNoHonestServerSendsAreRefused(t *testing.T) {
	db := mustOpen(t, "device")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	other := newUUID()
	for name, c := range map[string]Change{
		"own change never written": {Table: "villages", Row: v, Column: "name", Value: Text("x"), HLC: MakeHLC(time.Now().UnixMilli(), 0), CL: 1, Scope: "05362", Site: db.Site(), Seq: 99},
		"stamp beyond any clock":   {Table: "villages", Row: v, Column: "name", Value: Text("x"), HLC: HLC(1<<63 - 1), CL: 1, Scope: "05362", Site: other, Seq: 1},
	} {
		t.Run(name, func(t *testing.T) {
			before := mustDigest(t, db, "")
			if _, err := db.ApplyPulled(context.Background(), []Change{c}, "inc", Cursor{Seq: 1}); !errors.Is(err, ErrBadChange) {
				t.Fatalf("apply: %v, want ErrBadChange", err)
			}
			if mustDigest(t, db, "") != before {
				t.Error("a refused page changed the replica")
			}
			mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Mới"}) // local writes go on
		})
	}
}
