package syncengine

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestClockMonotonic(t *testing.T) {
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		walls []time.Time // the wall clock at each call of Now
	}{
		{"standing still", []time.Time{start, start, start, start}},
		{"going back", []time.Time{start, start.Add(-time.Hour), start.Add(-2 * time.Hour), start.Add(time.Millisecond)}},
		{"reset to 1980", []time.Time{start, time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1980, 1, 1, 0, 0, 1, 0, time.UTC)}},
		{"moving forward", []time.Time{start, start.Add(time.Millisecond), start.Add(time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wall := &fixedClock{}
			c := NewClock(wall.now, 0, 0)
			var last HLC
			for i, w := range tt.walls {
				wall.t = w
				h := c.Now()
				if h <= last {
					t.Fatalf("call %d: Now() = %v, not after %v", i, h, last)
				}
				last = h
			}
		})
	}
}

func TestClockCounterOverflow(t *testing.T) {
	wall := &fixedClock{t: time.UnixMilli(1_700_000_000_000)}
	c := NewClock(wall.now, 0, 0)
	const n = 3 * 65536
	prev := c.Now()
	for i := 1; i < n; i++ {
		h := c.Now()
		if h != prev+1 {
			t.Fatalf("call %d: %v after %v, want the next timestamp", i, h, prev)
		}
		prev = h
	}
	if got, want := prev.Millis(), wall.t.UnixMilli()+2; got != want {
		t.Fatalf("after %d calls in one millisecond the clock reads %d ms, want %d (the counter carries)", n, got, want)
	}
}

func TestClockObserve(t *testing.T) {
	wall := &fixedClock{t: time.UnixMilli(1_000)}
	c := NewClock(wall.now, 0, 0)
	remote := MakeHLC(5_000, 7)
	c.Observe(remote)
	if h := c.Now(); h <= remote {
		t.Fatalf("Now() = %v after observing %v", h, remote)
	}
	c.Observe(MakeHLC(10, 0)) // an old timestamp changes nothing
	if h := c.Now(); h.Millis() != 5_000 {
		t.Fatalf("Now() = %v, want still in millisecond 5000", h)
	}
}

// A clock follows an observed stamp up to its wall clock plus its
// tolerance, and not at all past it: a stamp from a clock that ran ahead
// never pulls this one's later stamps ahead.
func TestClockObserveStopsAtTheHorizon(t *testing.T) {
	wall := &fixedClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	at := func(d time.Duration) HLC { return MakeHLC(wall.t.Add(d).UnixMilli(), 0) }
	tests := []struct {
		name      string
		tolerance time.Duration
		seen      HLC
		followed  bool
	}{
		{"a minute ahead", 0, at(time.Minute), true},
		{"at the default tolerance", 0, at(DefaultClockTolerance), true},
		{"just past it", 0, at(DefaultClockTolerance + time.Millisecond), false},
		{"three months ahead", 0, at(90 * 24 * time.Hour), false},
		{"three months ahead, within a tolerance of a year", 365 * 24 * time.Hour, at(90 * 24 * time.Hour), true},
		{"an hour ahead, past a tolerance of a minute", time.Minute, at(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock(wall.now, at(-time.Hour), tt.tolerance)
			c.Observe(tt.seen)
			h := c.Now()
			if followed := h > tt.seen; followed != tt.followed {
				t.Fatalf("after observing %v, Now() = %v: followed %v, want %v", tt.seen, h, followed, tt.followed)
			}
			if !tt.followed && h != at(0) {
				t.Fatalf("Now() = %v, want the wall clock %v", h, at(0))
			}
		})
	}
}

func TestClockPersistsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clock.db")
	wall := &fixedClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	cfg := testConfig()
	cfg.Now = wall.now
	db, err := Open(ctx, path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	before := db.Clock().Last()
	db.Close()

	wall.t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) // the laptop's clock battery died
	db2 := mustOpenPath(t, path, cfg)
	id := mustInsert(t, db2, "villages", map[string]any{"commune": "05362", "name": "Bản Pheo"})
	for _, c := range allChanges(t, db2) {
		if c.Row == id && c.HLC <= before {
			t.Fatalf("a write after restart got HLC %v, not after %v from before it", c.HLC, before)
		}
	}
}
