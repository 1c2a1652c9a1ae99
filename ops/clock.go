package ops

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// ReleaseDate is the day this version of Hodan was released, for a build
// that does not record its commit's time (one made outside git, a test
// binary): a wall clock before it cannot be right. Update it at each
// release (README.md, "Clocks").
const ReleaseDate = "2026-12-01"

// ClockDoubt says why a laptop's wall clock cannot be right: it reads Now,
// more than a day before Ref (this build's date, or the server's time at
// the last sync), which Reason (a message key) names.
type ClockDoubt struct {
	Now, Ref time.Time
	Reason   string
}

// buildTime is when this build's code was committed, or ReleaseDate.
func buildTime() time.Time {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if t, err := time.Parse(time.RFC3339, s.Value); s.Key == "vcs.time" && err == nil {
				return t
			}
		}
	}
	t, _ := time.Parse(time.DateOnly, ReleaseDate)
	return t
}

// DoubtClock returns why the wall clock, reading now, cannot be right, or
// nil: it reads more than a day before this build's code was written, or
// more than a day before the server's time learned at the last sync (a
// dead clock battery reads 1980).
func DoubtClock(ctx context.Context, db *syncengine.DB, now time.Time) (*ClockDoubt, error) {
	if built := buildTime(); now.Before(built.Add(-24 * time.Hour)) {
		return &ClockDoubt{Now: now, Ref: built, Reason: "clock.why_release"}, nil
	}
	server, _, err := db.ServerTime(ctx)
	if err != nil {
		return nil, err
	}
	if !server.IsZero() && now.Before(server.Add(-24*time.Hour)) {
		return &ClockDoubt{Now: now, Ref: server, Reason: "clock.why_server"}, nil
	}
	return nil, nil
}

// Day is the day a write records things for: Date (YYYY-MM-DD) from the
// wall clock, or, when the clock cannot be right, no date and Doubt says
// why. A record that needs a date then takes the one the officer gives.
type Day struct {
	Date  string
	Doubt *ClockDoubt
}

// DayOf is the day of the wall clock reading now, of which doubt (nil: no
// doubt) says whether it can be right.
func DayOf(now time.Time, doubt *ClockDoubt) Day {
	if doubt != nil {
		return Day{Doubt: doubt}
	}
	return Day{Date: now.Format(time.DateOnly)}
}

// needVisitDate refuses to date a visit by a clock that cannot be right:
// a record of a table with a visit date, without one, on a day in doubt.
func (d Day) needVisitDate(hasDate bool, values map[string]any) error {
	if hasDate && d.Doubt != nil && values[schema.ColVisitDate] == nil {
		return fail("clock.visit_date_needed", DateText(d.Doubt.Now))
	}
	return nil
}

// RecordServerTime records the server's time a sync learned, with the wall
// clock now, for DoubtClock; a zero time (the sync learned none) records
// nothing.
func RecordServerTime(ctx context.Context, db *syncengine.DB, server, now time.Time) error {
	if server.UnixMilli() <= 0 {
		return nil
	}
	return db.RecordServerTime(ctx, server, now)
}

// ClockOff is how far the wall clock, reading now, is off from the
// server's time learned at a sync: positive when it is ahead, negative
// when it is behind; 0 while within tolerance (the replica's clock's, see
// syncengine.Clock.Tolerance), or when the sync learned no time.
func ClockOff(now, server time.Time, tolerance time.Duration) time.Duration {
	if server.UnixMilli() <= 0 {
		return 0
	}
	if off := now.Sub(server); off > tolerance || -off > tolerance {
		return off
	}
	return 0
}

// DateText is the day of t on this machine's clock, as people read it.
func DateText(t time.Time) string { return schema.FormatDate(t.Local()) }

// RepairClock re-stamps the changes the laptop dev enrolled has not sent
// yet, stamped ahead of its server's clock (syncengine.Client.RepairClock):
// syncengine.ErrNothingToRepair when none is. A failure to talk to the
// server is an *ExchangeError.
func RepairClock(ctx context.Context, db *syncengine.DB, dev *Device) (syncengine.RestampResult, error) {
	client, err := dev.Client(0)
	if err != nil {
		return syncengine.RestampResult{}, err
	}
	res, err := client.RepairClock(ctx, db)
	if err != nil && !errors.Is(err, syncengine.ErrNothingToRepair) {
		return res, exchangeError(dev.Server, err)
	}
	return res, err
}
