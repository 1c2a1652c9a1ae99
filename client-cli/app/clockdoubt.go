package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"hodan/schema"
	"hodan/syncengine"
)

// releaseDate is the day this version of hodan was released, for a build
// that does not record its commit's time (one made outside git, a test
// binary): a wall clock before it cannot be right. Update it at each
// release (README.md, "Clocks").
const releaseDate = "2026-12-01"

// clockDoubt says why the laptop's wall clock cannot be right: it reads
// now, more than a day before ref (this build's date, or the server's time
// at the last sync), which reason (a message key) names.
type clockDoubt struct {
	now, ref time.Time
	reason   string
}

// buildTime is when this build's code was committed, or releaseDate.
func buildTime() time.Time {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if t, err := time.Parse(time.RFC3339, s.Value); s.Key == "vcs.time" && err == nil {
				return t
			}
		}
	}
	t, _ := time.Parse(time.DateOnly, releaseDate)
	return t
}

// doubtClock returns why the wall clock cannot be right, or nil: it reads
// more than a day before this build's code was written, or more than a day
// before the server's time learned at the last sync (a dead clock battery
// reads 1980).
func (a *app) doubtClock(ctx context.Context, db *syncengine.DB) (*clockDoubt, error) {
	now := a.now()
	if built := buildTime(); now.Before(built.Add(-24 * time.Hour)) {
		return &clockDoubt{now: now, ref: built, reason: "clock.why_release"}, nil
	}
	server, _, err := db.ServerTime(ctx)
	if err != nil {
		return nil, err
	}
	if !server.IsZero() && now.Before(server.Add(-24*time.Hour)) {
		return &clockDoubt{now: now, ref: server, reason: "clock.why_server"}, nil
	}
	return nil, nil
}

// withWriter is withDevice for a command that records: it warns first, on
// stderr, when the laptop's clock cannot be right, and keeps the doubt for
// the command (a visit is then not dated by that clock).
func (a *app) withWriter(cmd *cobra.Command, fn func(ctx context.Context, db *syncengine.DB, dev *device) error) error {
	return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *device) error {
		doubt, err := a.doubtClock(ctx, db)
		if err != nil {
			return err
		}
		if a.doubt = doubt; doubt != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), a.T("clock.warn_implausible", dateText(doubt.now), a.T(doubt.reason, dateText(doubt.ref))))
		}
		return fn(ctx, db, dev)
	})
}

// dateText is a date as people read it.
func dateText(t time.Time) string { return t.Local().Format("02/01/2006") }

// today is the date to record things for: today, or, when the clock cannot
// be right, none ("").
func (a *app) today() string {
	if a.doubt != nil {
		return ""
	}
	return a.now().Format(time.DateOnly)
}

// needVisitDate refuses to date a visit by a clock that cannot be right:
// a record of t without its visit date, when the clock is in doubt.
func (a *app) needVisitDate(t *schema.Table, values map[string]any) error {
	if _, dated := t.Column("visit_date"); dated && a.doubt != nil && values["visit_date"] == nil {
		return errMsg("clock.visit_date_needed", dateText(a.doubt.now))
	}
	return nil
}

// recordServerTime records the server's time a sync learned, with the
// wall clock now, for doubtClock.
func (a *app) recordServerTime(ctx context.Context, db *syncengine.DB, server time.Time) error {
	if server.UnixMilli() <= 0 {
		return nil // the sync learned none
	}
	return db.RecordServerTime(ctx, server, a.now())
}

// warnClockOff says, after a sync, when the laptop's clock is off from the
// server's by more than the clock's tolerance, by how much and what to do.
func (a *app) warnClockOff(cmd *cobra.Command, db *syncengine.DB, server time.Time) {
	if server.UnixMilli() <= 0 {
		return
	}
	off := a.now().Sub(server)
	switch tolerance := db.Clock().Tolerance(); {
	case off > tolerance:
		fmt.Fprintln(cmd.ErrOrStderr(), a.T("clock.sync_ahead", a.span(off)))
	case -off > tolerance:
		fmt.Fprintln(cmd.ErrOrStderr(), a.T("clock.sync_behind", a.span(-off)))
	}
}

// askVisitDate asks the officer the date of a guided visit when the
// laptop's clock cannot be right, until it is a date a visit can have; ""
// when the clock is trusted (the visit is today's).
func (fl *visitFlow) askVisitDate() (string, error) {
	if fl.a.doubt == nil {
		return "", nil
	}
	col, _ := schema.Visits.Column(schema.ColVisitDate)
	for {
		fmt.Fprintln(fl.out, fl.a.T("clock.ask_visit_date", dateText(fl.a.doubt.now)))
		s, err := fl.line()
		if err != nil {
			return "", err
		}
		v, err := col.Parse(s)
		if err == nil && v != nil {
			err = col.Check(v)
		}
		if err == nil && v != nil {
			return v.(string), nil
		}
		if err != nil {
			fmt.Fprintln(fl.out, fl.a.explain(err))
		}
	}
}

// day is the date a guided visit is recorded for: the one the officer gave
// (askVisitDate), or today.
func (fl *visitFlow) day() string {
	if fl.date != "" {
		return fl.date
	}
	return fl.a.now().Format(time.DateOnly)
}

// span is a duration as people read it: days, hours or minutes.
func (a *app) span(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return a.count(int(d/(24*time.Hour)), "span.days")
	case d >= 2*time.Hour:
		return a.count(int(d/time.Hour), "span.hours")
	}
	return a.count(int(d/time.Minute), "span.minutes")
}
