package audit

import (
	"context"
	"io"

	"golang.org/x/sync/errgroup"

	"hodan/syncengine"
)

// DefaultReplayBatch is how many entries a replay merges in one
// transaction unless Options.ReplayBatch says otherwise.
const DefaultReplayBatch = 10_000

// ReplayResult is what a replay rebuilt.
type ReplayResult struct {
	Report  Report `json:"-"`
	Applied uint64 `json:"applied"` // entries taken by the server up to the instant
	Skipped uint64 `json:"skipped"` // entries taken after it
	Digest  string `json:"digest"`
}

// Replay verifies the export read from r and merges every entry the server
// took at or before until (Unix milliseconds; 0: all) into db, an empty
// database with the server's schema, then returns db's digest. Merge being
// a function of the set of changes, replaying the whole log gives the live
// server's digest. Reading and verifying run beside merging, a batch
// (opts.ReplayBatch entries) ahead: its memory holds two batches.
func Replay(ctx context.Context, r io.Reader, opts Options, db *syncengine.DB, until int64) (ReplayResult, error) {
	var res ReplayResult
	replayBatch := opts.ReplayBatch
	if replayBatch <= 0 {
		replayBatch = DefaultReplayBatch
	}
	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan []syncengine.Change)
	g.Go(func() error {
		for batch := range batches {
			if _, err := db.ApplyPulled(gctx, batch, "", syncengine.Cursor{}); err != nil {
				return err
			}
		}
		return nil
	})
	pending := make([]syncengine.Change, 0, replayBatch)
	send := func() error {
		if len(pending) == 0 {
			return nil
		}
		select {
		case batches <- pending:
			pending = make([]syncengine.Change, 0, replayBatch)
			return nil
		case <-gctx.Done():
			return context.Cause(gctx)
		}
	}
	rep, walkErr := Walk(r, opts, func(e *Entry) error {
		if until != 0 && e.Time() > until {
			res.Skipped++
			return nil
		}
		res.Applied++
		pending = append(pending, e.Change)
		if len(pending) == replayBatch {
			return send()
		}
		return nil
	})
	if walkErr == nil {
		walkErr = send()
	}
	close(batches)
	applyErr := g.Wait()
	res.Report = rep
	if walkErr != nil {
		return res, walkErr
	}
	if applyErr != nil {
		return res, applyErr
	}
	var err error
	res.Digest, err = db.Digest(ctx, "")
	return res, err
}
