package syncengine

import (
	"fmt"
	"sync"
	"time"
)

// HLC is a hybrid logical clock timestamp: 48 bits of wall-clock milliseconds
// since the Unix epoch and a 16-bit logical counter, packed so that ordinary
// integer comparison orders timestamps.
type HLC uint64

const hlcCounterBits = 16

// MakeHLC packs a wall-clock time in milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) HLC {
	return HLC(uint64(ms)<<hlcCounterBits | uint64(counter))
}

// Millis is the wall-clock part of h, in milliseconds since the Unix epoch.
func (h HLC) Millis() int64 { return int64(h >> hlcCounterBits) }

// Counter is the logical part of h.
func (h HLC) Counter() uint16 { return uint16(h) }

// Next is the timestamp just after h: the stamp of a write that must
// follow the value stamped h and nothing more (see Tx.Update).
func (h HLC) Next() HLC { return h + 1 }

// Time is the wall-clock part of h as a time.Time in UTC.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()).UTC() }

// String formats h as an RFC 3339 time with milliseconds and the counter.
func (h HLC) String() string {
	return fmt.Sprintf("%s/%d", h.Time().Format("2006-01-02T15:04:05.000Z"), h.Counter())
}

// Clock is a hybrid logical clock (Kulkarni et al., 2014). It is safe for
// concurrent use. Now never returns the same value twice and never goes
// back, even if the wall clock stands still or is set back: when the wall
// clock has not moved past the last timestamp, the counter advances, and a
// counter overflow carries into the millisecond part.
//
// Unlike the textbook clock, it follows a timestamp it observes only up to
// its own wall clock plus a tolerance (see Observe): a replica judges its
// clock by its wall clock, never by stamps it inherited from a replica
// whose clock ran ahead.
type Clock struct {
	mu        sync.Mutex
	wall      func() time.Time
	tolerance time.Duration
	last      HLC
}

// DefaultClockTolerance is how far past its wall clock a replica's clock
// follows the stamps it observes, and, on a server, how far ahead of its
// clock a change may be stamped (hodan-server's default --max-clock-skew).
const DefaultClockTolerance = 10 * time.Minute

// NewClock returns a clock that reads wall and never issues a timestamp at or
// below last (the highest timestamp this replica has issued or followed, as
// persisted in its database). It follows observed timestamps up to
// tolerance past the wall clock; 0 means DefaultClockTolerance.
func NewClock(wall func() time.Time, last HLC, tolerance time.Duration) *Clock {
	if wall == nil {
		wall = time.Now
	}
	if tolerance <= 0 {
		tolerance = DefaultClockTolerance
	}
	return &Clock{wall: wall, last: last, tolerance: tolerance}
}

// Now returns a new timestamp, greater than every timestamp Now returned or
// Observe followed before.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := MakeHLC(c.WallMillis(), 0)
	if wall > c.last {
		c.last = wall
	} else {
		c.last++ // counter overflow carries into the milliseconds
	}
	return c.last
}

// Observe records a timestamp received from another replica, or given to a
// local write by the write rule (see Tx.Update), so that every later Now is
// greater than it, if it is no later than the wall clock plus the
// tolerance (Horizon). A later one is not followed at all: it comes of a
// clock that ran ahead, and following it would stamp every later write of
// this replica as far ahead, where its server refuses them. (Following it
// part way, to the horizon, would stamp them at the very edge of what a
// server accepts.) Its change is merged all the same.
func (c *Clock) Observe(h HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h > c.last && h <= c.horizon() {
		c.last = h
	}
}

// Horizon is the latest timestamp the clock follows now: its wall clock
// plus its tolerance, with the counter at its highest.
func (c *Clock) Horizon() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.horizon()
}

func (c *Clock) horizon() HLC {
	return MakeHLC(min(c.WallMillis()+c.tolerance.Milliseconds(), maxWallMillis), 1<<hlcCounterBits-1)
}

// Tolerance is how far past its wall clock the clock follows timestamps.
func (c *Clock) Tolerance() time.Duration { return c.tolerance }

// Last is the highest timestamp issued or observed so far.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// reset sets the highest timestamp issued or seen to h, which may be lower
// than before. Only a clock repair lowers it, for timestamps nobody else
// has seen; see DB.Restamp.
func (c *Clock) reset(h HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = h
}

// maxWallMillis is the latest wall-clock reading a timestamp holds: 47 bits,
// so that every HLC fits SQLite's signed 64-bit integers.
const maxWallMillis = 1<<47 - 1

// WallMillis is the clock's wall-clock reading in milliseconds, kept within
// what an HLC holds: a wall clock set before 1970 (a dead clock battery can
// give any date) reads as 1970, never as a negative number that packs into
// a timestamp thousands of years ahead.
func (c *Clock) WallMillis() int64 {
	return min(max(c.wall().UnixMilli(), 0), maxWallMillis)
}
