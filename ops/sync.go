package ops

import (
	"cmp"
	"context"
	"time"

	"hodan/syncengine"
)

// SyncOptions are how Sync syncs.
type SyncOptions struct {
	// Batch is how many changes a push carries; 0 is the client's default.
	Batch int
	// NoSnapshot pulls change by change, never a snapshot.
	NoSnapshot bool
	// Progress, if set, is told the changes sent ("push") and received
	// ("pull").
	Progress Progress
	// Now is the wall clock the sync is recorded by; nil is time.Now.
	Now func() time.Time
}

// SyncResult is what a laptop's sync did: what moved, and how many
// conflicts of its communes are open after it.
type SyncResult struct {
	syncengine.SyncResult
	Conflicts int `json:"conflicts"`
}

// Sync is the whole sync of the laptop dev enrolled, with its server:
// push then pull; the merges received settled (SettleMerges) and those
// writes sent at once; the sync and the server's time recorded; the
// officers of other devices learnt when anything moved, to name them
// offline; the conflicts still open counted. A failure to talk to the
// server is an *ExchangeError.
func Sync(ctx context.Context, db *syncengine.DB, dev *Device, opts SyncOptions) (SyncResult, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	client, err := dev.Client(opts.Batch)
	if err != nil {
		return SyncResult{}, err
	}
	client.NoSnapshot = opts.NoSnapshot
	client.Progress = opts.Progress
	res, err := client.Sync(ctx, db)
	if err != nil {
		// The server's time is kept even from a sync that failed (a push
		// held back for a clock far ahead is explained by it); the sync's
		// own error is the one to tell.
		_ = RecordServerTime(ctx, db, res.ServerTime, opts.Now())
		return SyncResult{}, exchangeError(dev.Server, err)
	}
	// Merges received from others may leave records to move (see
	// SettleMerges); those writes are sent at once.
	settled := 0
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		err := SettleMerges(tx, dev.Actor().Communes)
		settled = tx.Changes()
		return err
	})
	if err != nil {
		return SyncResult{}, err
	}
	if settled > 0 {
		more, err := client.Sync(ctx, db)
		if err != nil {
			_ = RecordServerTime(ctx, db, res.ServerTime, opts.Now())
			return SyncResult{}, exchangeError(dev.Server, err)
		}
		res.Pushed, res.Pulled, res.Rejected = res.Pushed+more.Pushed, res.Pulled+more.Pulled, res.Rejected+more.Rejected
		res.Fork = cmp.Or(res.Fork, more.Fork)
		if more.ServerTime.UnixMilli() > 0 {
			res.ServerTime = more.ServerTime
		}
	}
	if err := db.RecordSync(ctx, opts.Now(), res.ServerTime); err != nil {
		return SyncResult{}, err
	}
	if res.Pulled > 0 {
		if err := learnOfficers(ctx, client, db); err != nil {
			return SyncResult{}, exchangeError(dev.Server, err)
		}
	}
	open, err := OpenConflicts(ctx, db, dev.Actor())
	return SyncResult{SyncResult: res, Conflicts: open}, err
}
