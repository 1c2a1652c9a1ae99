package ui_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"hodan/client-cli/ui"
)

// lockedLog is a log's text, safe for the syncer's goroutine.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestServerDownWritesNothingToTheLog: with the district server out of
// reach, the background syncs fail, the pages say so, and the log of
// `hodan ui` (the officer's black window) stays quiet: every 5 minutes
// for weeks without network would be a storm.
func TestServerDownWritesNothingToTheLog(t *testing.T) {
	srv := mustServer(t)
	db := mustLaptop(t, srv, "Lò Văn Minh")
	srv.stop()
	var log lockedLog
	s := mustApp(t, db, 20*time.Millisecond, func(c *ui.Config) { c.Log = slog.New(slog.NewTextHandler(&log, nil)) })
	c := s.client(t)
	failures := 0
	for deadline := time.Now().Add(30 * time.Second); failures < 3 && time.Now().Before(deadline); {
		var st struct {
			Class string `json:"class"`
		}
		if err := json.Unmarshal([]byte(s.get(t, c, "/sync/state")), &st); err != nil {
			t.Fatal(err)
		}
		if st.Class == "bad" {
			failures++
		}
		time.Sleep(30 * time.Millisecond)
	}
	if failures == 0 {
		t.Fatal("no background sync failed with the server down")
	}
	if got := log.String(); got != "" {
		t.Errorf("the log with the server down:\n%s", got)
	}
}
