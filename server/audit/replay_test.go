package audit_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/server/registry"
	"hodan/syncengine"
)

// TestReplayStopsAtTheFirstError: reading and merging run side by side; a
// failure on either side stops the replay with that failure, not a digest.
func TestReplayStopsAtTheFirstError(t *testing.T) {
	s := mustScenario(t, 40)
	recs := decode(t, s.Export)
	ctx := context.Background()
	// Small batches, so that reading runs ahead of merging and must be
	// stopped when merging fails.
	small := audit.Options{ReplayBatch: 7}
	open := func(t *testing.T) *syncengine.DB {
		db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "replay.db"), replica.Options{Migrations: registry.Migrations()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}

	t.Run("merge fails", func(t *testing.T) {
		// The database already holds another change under the number of
		// the export's first entry: merging the first batch fails while
		// reading is batches ahead.
		var first *audit.Record
		for i := range recs {
			if recs[i].Type == audit.TypeEntry {
				first = &recs[i]
				break
			}
		}
		other := *first.Change
		other.HLC++
		db := open(t)
		if _, err := db.ApplyPulled(ctx, []syncengine.Change{other}, "", syncengine.Cursor{}); err != nil {
			t.Fatal(err)
		}
		res, err := audit.Replay(ctx, bytes.NewReader(s.Export), small, db, 0)
		if !errors.Is(err, syncengine.ErrSequenceReused) || res.Digest != "" {
			t.Fatalf("replay over a conflicting change: digest %q, err %v; want ErrSequenceReused", res.Digest, err)
		}
	})

	t.Run("reading fails", func(t *testing.T) {
		lines := bytes.Split(s.Export, []byte("\n"))
		cut := bytes.Join(lines[:len(lines)*2/3], []byte("\n"))
		res, err := audit.Replay(ctx, bytes.NewReader(append(cut, '\n')), small, open(t), 0)
		if !errors.Is(err, audit.ErrTampered) || res.Digest != "" {
			t.Fatalf("replay of a file cut short: digest %q, err %v; want ErrTampered", res.Digest, err)
		}
	})
}
