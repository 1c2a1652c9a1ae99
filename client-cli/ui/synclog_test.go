package ui_test

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"hodan/client-cli/ui"
)

// TestServerDownWritesNothingToTheLog: with the district server out of
// reach, the background syncs fail, the pages say so, and the log of
// `hodan ui` (the officer's black window) stays quiet: every 5 minutes
// for weeks without network would be a storm.
func TestServerDownWritesNothingToTheLog(t *testing.T) {
	srv := mustServer(t)
	db := mustLaptop(t, srv, "Lò Văn Minh")
	srv.stop()
	var log announcer // a log safe for the syncer's goroutine
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
