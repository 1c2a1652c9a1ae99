package audit

import (
	"context"
	"io"

	"hodan/syncengine"
)

// replayBatch is how many entries a replay applies in one transaction.
const replayBatch = 2000

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
// server's digest. Its memory holds one batch of entries.
func Replay(ctx context.Context, r io.Reader, opts Options, db *syncengine.DB, until int64) (ReplayResult, error) {
	var res ReplayResult
	pending := make([]syncengine.Change, 0, replayBatch)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		_, err := db.ApplyPulled(ctx, pending, "", syncengine.Cursor{})
		pending = pending[:0]
		return err
	}
	rep, err := Walk(r, opts, func(e *Entry) error {
		if until != 0 && e.Time() > until {
			res.Skipped++
			return nil
		}
		res.Applied++
		pending = append(pending, e.Change)
		if len(pending) == replayBatch {
			return flush()
		}
		return nil
	})
	res.Report = rep
	if err != nil {
		return res, err
	}
	if err := flush(); err != nil {
		return res, err
	}
	res.Digest, err = db.Digest(ctx, "")
	return res, err
}
