package ops

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"hodan/syncengine"
)

// A server settles the merges it holds in the background too (Settler), not
// only those it makes: a laptop that pushed a record under a household
// another officer had merged, and then stays offline, would otherwise leave
// the server's reports counting that record under a household that no
// longer is one until some laptop of the commune syncs. The rule is
// SettleMerges', the one laptops apply, so a laptop and the server that
// settle the same record write equal values, which is no conflict.

// MergesSettled is what settling merges wrote: the cycles of merges
// broken (the household that stays of each), the records moved, and the
// changes written in all.
type MergesSettled struct {
	Cycles  int `json:"cycles"`
	Moved   int `json:"moved"`
	Changes int `json:"changes"`
}

// SettlePending settles the merges of every commune db holds, as a server
// does: it first reads, without the writer lock, whether SettleMerges
// would write anything, and only then settles, in one write transaction.
// It returns what it wrote: nothing when nothing was to settle.
func SettlePending(ctx context.Context, db *syncengine.DB) (MergesSettled, error) {
	if pending, err := mergesPending(readHandle{ctx, db.SQL()}); err != nil || !pending {
		return MergesSettled{}, err
	}
	var s MergesSettled
	err := db.Write(ctx, func(tx *syncengine.Tx) error {
		var err error
		s, err = settleMerges(tx, nil)
		return err
	})
	return s, err
}

// mergesPending reports whether settling the merges of every commune
// would write anything: a cycle of merges to break, or a live record of a
// merged household to move.
func mergesPending(q reader) (bool, error) {
	plan, err := planSettlement(q, nil)
	if err != nil || len(plan.stays) > 0 {
		return len(plan.stays) > 0, err
	}
	moves, err := childMoves(q, plan.target)
	return len(moves) > 0, err
}

// Settler settles, every Every, the merges the server's replica DB holds
// (SettlePending), and logs what it wrote, and its errors, to Log, which
// must be set. Every 0 (or less) turns it off. Several servers sharing one
// PostgreSQL store may each run one: their writes take the store's
// writer lock in turn, and each settles within its transaction what is
// left then, so the later writes nothing.
type Settler struct {
	DB    *syncengine.DB
	Every time.Duration
	Log   *slog.Logger
}

// Run settles every s.Every until stop is closed; a settle under way when
// stop closes ends first.
func (s Settler) Run(stop <-chan struct{}) {
	if s.Every <= 0 {
		return
	}
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.settle()
		case <-stop:
			return
		}
	}
}

// settle settles once and logs what it wrote.
func (s Settler) settle() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done, err := SettlePending(ctx, s.DB)
	if err != nil {
		s.Log.Error("settle merges", "err", err)
		return
	}
	if done.Changes > 0 {
		s.Log.Info("settle merges", "moved", done.Moved, "cycles", done.Cycles, "changes", done.Changes)
	}
}

// reader queries a replica's domain tables: its write transaction
// (*syncengine.Tx, which sees its own writes) or its read handle
// (readHandle).
type reader interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

// readHandle is a replica's read handle, queried within ctx.
type readHandle struct {
	ctx context.Context
	db  *sql.DB
}

// Query runs query on the read handle within its context.
func (r readHandle) Query(query string, args ...any) (*sql.Rows, error) {
	return r.db.QueryContext(r.ctx, query, args...)
}
