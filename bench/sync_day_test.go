package bench

import (
	"context"
	"testing"
	"time"
)

// BenchmarkDaySync measures an officer's sync at the end of a day: push
// the day's work (5 new households with members, 10 edits, 40 visits), pull
// a colleague's day in the same commune. On "2G" the device reaches the
// server over a simulated link of 32 KB/s each way and 300 ms RTT (target:
// push + pull < 5 s); on "loopback" over plain loopback. Both report the
// bytes on the wire per cell moved (target ≤ 20, gzip).
func BenchmarkDaySync(b *testing.B) {
	for _, tc := range []struct {
		name string
		link *link
	}{{"loopback", &link{}}, {"2G", link2G()}} {
		b.Run(tc.name, func(b *testing.B) { benchDaySync(b, tc.link) })
	}
}

func benchDaySync(b *testing.B, l *link) {
	s := mustServer(b)
	colleague := mustDevice(b, s, nil)
	known := mustHouseholds(b, colleague.DB, 0, 10, 0) // recorded on earlier days
	colleague.mustSync(b)
	officer := mustDevice(b, s, l.Transport())
	officer.mustSync(b)
	var cells, up, down int64
	var took time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		next := 10 + 10*n
		cells += int64(mustDay(b, colleague.DB, known, next))
		colleague.mustSync(b)
		mine := mustDay(b, officer.DB, known, next+5)
		l.Reset()
		b.StartTimer()
		start := time.Now()
		res, err := officer.Client.Sync(context.Background(), officer.DB)
		took += time.Since(start)
		b.StopTimer()
		if err != nil || res.Rejected != 0 || res.Pushed == 0 || res.Pulled == 0 {
			b.Fatalf("sync: %+v, %v", res, err)
		}
		u, d := l.Bytes()
		cells, up, down = cells+int64(mine), up+u, down+d
		n++
		b.StartTimer()
	}
	b.ReportMetric(took.Seconds()/float64(n), "s/sync")
	b.ReportMetric(float64(cells)/float64(n), "cells/sync")
	b.ReportMetric(float64(up)/float64(n), "up-B/sync")
	b.ReportMetric(float64(down)/float64(n), "down-B/sync")
	b.ReportMetric(float64(up+down)/float64(cells), "wire-B/cell")
}
