package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/syncengine"
)

// syncer runs the laptop's syncs, one at a time: the one the officer
// starts from a page, and those the app starts in the background; it
// keeps the progress of the one under way and the outcome of the last,
// which every page shows. It is safe for concurrent use.
type syncer struct {
	db  *syncengine.DB
	now func() time.Time
	log *slog.Logger

	mu       sync.Mutex
	ctx      context.Context // the app's (Run's); a sync outlives its request
	wg       sync.WaitGroup
	running  bool
	progress syncengine.Progress
	last     *outcome
	next     time.Time // when the background tries next; zero when it does not
}

// outcome is how a sync ended.
type outcome struct {
	At     time.Time
	Auto   bool // started in the background
	Result ops.SyncResult
	Err    error
	// ClockOff is how far the laptop's clock is off the server's
	// (ops.ClockOff).
	ClockOff time.Duration
}

func newSyncer(db *syncengine.DB, now func() time.Time, log *slog.Logger) *syncer {
	return &syncer{db: db, now: now, log: log, ctx: context.Background()}
}

// start starts a sync unless one is under way; it reports whether it
// started one.
func (s *syncer) start(auto bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return false
	}
	s.running, s.progress = true, syncengine.Progress{}
	s.wg.Add(1)
	go s.sync(s.ctx, auto)
	return true
}

// sync syncs the laptop with its server, and keeps how it ended. A
// laptop not enrolled has nothing to sync with.
func (s *syncer) sync(ctx context.Context, auto bool) {
	defer s.wg.Done()
	o := &outcome{Auto: auto}
	dev, err := ops.LoadDevice(ctx, s.db)
	if err == nil {
		o.Result, err = ops.Sync(ctx, s.db, dev, ops.SyncOptions{Progress: s.report, Now: s.now})
	}
	if err == nil {
		o.ClockOff = ops.ClockOff(s.now(), o.Result.ServerTime, s.db.Clock().Tolerance())
	}
	if err != nil && ops.Code(err) != "unreachable" {
		s.log.Warn("hodan ui: sync", "err", err)
	}
	o.At, o.Err = s.now(), err
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = false
	if !errors.Is(err, ops.ErrNotEnrolled) {
		s.last = o
	}
}

// report keeps the progress of the sync under way.
func (s *syncer) report(p syncengine.Progress) {
	s.mu.Lock()
	s.progress = p
	s.mu.Unlock()
}

// run starts a sync every every, the first soon after it starts, until
// ctx ends, then waits for a sync under way; every 0 starts none. Syncs
// started from pages run in ctx too.
func (s *syncer) run(ctx context.Context, every time.Duration) {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	defer s.wg.Wait()
	if every <= 0 {
		<-ctx.Done()
		return
	}
	wait := min(every, firstAutoSync)
	for {
		s.mu.Lock()
		s.next = s.now().Add(wait)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		s.start(true)
		wait = every
	}
}

// firstAutoSync is how soon after it starts the app first syncs in the
// background: the officer opening the app at the office, in signal, gets
// the others' work at once.
const firstAutoSync = 5 * time.Second

// syncView is the state of syncing as a page shows it.
type syncView struct {
	Running bool
	Phase   string // what the sync under way does, in words
	Done    int
	Total   int // 0 when not known (receiving)
	Percent int // of sending; -1 when not known
	// Class is the state's colour: "ok" (the last sync went through),
	// "bad" (it failed), "run", or "" (never synced).
	Class string
	// Text says the state in a few words, for the top bar; Result what
	// the last sync did, or why it failed.
	Text   string
	Result []string
	At     time.Time
	Auto   bool
	Next   time.Time
}

// view says the state of syncing in l; lastSync is when the laptop last
// synced, for a state the app has not synced in since it started.
func (s *syncer) view(l i18n.Lang, now, lastSync time.Time) syncView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := syncView{Running: s.running, Next: s.next, Percent: -1}
	if s.running {
		p := s.progress
		v.Class, v.Done, v.Total = "run", p.Done, p.Total
		v.Phase = i18n.T(l, "ui.sync.connecting")
		switch p.Phase {
		case "push":
			v.Phase = i18n.T(l, "ui.sync.sending")
		case "pull":
			v.Phase = i18n.T(l, "ui.sync.receiving")
		}
		if p.Total > 0 {
			v.Percent = min(100, p.Done*100/p.Total)
		}
		v.Text = v.Phase
		return v
	}
	o := s.last
	switch {
	case o != nil && !lastSync.After(o.At) && o.Err != nil:
		v.Class, v.At, v.Auto = "bad", o.At, o.Auto
		v.Text = i18n.T(l, "ui.sync.failed", whenText(l, o.At, now))
		v.Result = []string{syncError(l, o.Err)}
	case o != nil && !lastSync.After(o.At):
		v.Class, v.At, v.Auto = "ok", o.At, o.Auto
		v.Text = i18n.T(l, "ui.sync.synced", whenText(l, o.At, now))
		v.Result = syncResult(l, o)
	case !lastSync.IsZero(): // synced before the app started, or by hodan sync
		v.Class, v.At = "ok", lastSync
		v.Text = i18n.T(l, "ui.sync.synced", whenText(l, lastSync, now))
	default:
		v.Text = i18n.T(l, "ui.sync.never")
	}
	return v
}

// syncError says why a sync failed: a server out of reach in the app's
// own words (the laptop's work is safe, the app tries again by itself),
// anything else as every front end says it.
func syncError(l i18n.Lang, err error) string {
	if ops.Code(err) == "unreachable" {
		return i18n.T(l, "ui.sync.unreachable")
	}
	return explain(l, err)
}

// syncResult says what a sync did.
func syncResult(l i18n.Lang, o *outcome) []string {
	r := o.Result
	out := []string{i18n.T(l, "ui.sync.moved", i18n.Count(l, r.Pushed, "count.change"), i18n.Count(l, r.Pulled, "count.change"))}
	if r.Fork != nil {
		out = append(out, ops.ForkText(l, r.Fork))
	}
	if r.Rejected > 0 {
		out = append(out, i18n.T(l, "ui.sync.refused", i18n.Count(l, r.Rejected, "count.change")))
	}
	if r.Conflicts > 0 {
		out = append(out, i18n.T(l, "ui.sync.conflicts", i18n.Count(l, r.Conflicts, "count.conflict")))
	}
	switch {
	case o.ClockOff > 0:
		out = append(out, i18n.T(l, "ui.sync.clock_ahead", i18n.Span(l, o.ClockOff)))
	case o.ClockOff < 0:
		out = append(out, i18n.T(l, "ui.sync.clock_behind", i18n.Span(l, -o.ClockOff)))
	}
	return out
}
