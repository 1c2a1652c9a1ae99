package app

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// doubtClock returns why the wall clock cannot be right, or nil (see
// ops.DoubtClock).
func (a *app) doubtClock(ctx context.Context, db *syncengine.DB) (*ops.ClockDoubt, error) {
	return ops.DoubtClock(ctx, db, a.now())
}

// withWriter is withDevice for a command that records: it warns first, on
// stderr, when the laptop's clock cannot be right, and keeps the doubt for
// the command (a visit is then not dated by that clock).
func (a *app) withWriter(cmd *cobra.Command, fn func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error) error {
	return a.withDevice(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
		doubt, err := a.doubtClock(ctx, db)
		if err != nil {
			return err
		}
		if a.doubt = doubt; doubt != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), a.T("clock.warn_implausible", dateText(doubt.Now), a.T(doubt.Reason, dateText(doubt.Ref))))
		}
		return fn(ctx, db, dev)
	})
}

// dateText is a date as people read it.
func dateText(t time.Time) string { return ops.DateText(t) }

// day is the day to record things for: today, or, when the clock cannot
// be right, none (see ops.Day).
func (a *app) day() ops.Day { return ops.DayOf(a.now(), a.doubt) }

// today is the date to record things for, YYYY-MM-DD: today, or, when the
// clock cannot be right, none ("").
func (a *app) today() string { return a.day().Date }

// warnClockOff says, after a sync, when the laptop's clock is off from the
// server's by more than the clock's tolerance, by how much and what to do.
func (a *app) warnClockOff(cmd *cobra.Command, db *syncengine.DB, server time.Time) {
	switch off := ops.ClockOff(a.now(), server, db.Clock().Tolerance()); {
	case off > 0:
		fmt.Fprintln(cmd.ErrOrStderr(), a.T("clock.sync_ahead", a.span(off)))
	case off < 0:
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
		fmt.Fprintln(fl.out, fl.a.T("clock.ask_visit_date", dateText(fl.a.doubt.Now)))
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

// span is a duration as people read it (i18n.Span).
func (a *app) span(d time.Duration) string { return i18n.Span(a.lang, d) }
