package httpd

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"hodan/syncengine"
)

// Default request rates. A device gets a bucket of DefaultDeviceBurst
// requests, refilled at DefaultDeviceRate a second: a whole commune's
// first pull (a few hundred pages) passes, a runaway client does not.
// Enrollment, before any device is known, is limited per network address,
// generously, since the laptops of a commune office share one.
const (
	DefaultDeviceRate  = 20
	DefaultDeviceBurst = 200
	enrollRate         = 0.2
	enrollBurst        = 30
)

// limiter is a token bucket per key. Keys idle long enough for their
// bucket to have refilled are forgotten, so memory stays bounded by the
// keys active lately.
type limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt int
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{rate: r, burst: burst, buckets: make(map[string]*bucket), sweepAt: 1024}
}

// wait takes a token for key and returns zero, or, when the bucket is
// empty, takes nothing and returns how long until a token is there.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.sweepAt {
			l.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// sweep forgets buckets that have refilled, and doubles the threshold if
// that freed too little.
func (l *limiter) sweep(now time.Time) {
	full := time.Duration(float64(l.burst) / float64(l.rate) * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.sweepAt/2 {
		l.sweepAt *= 2
	}
}

// limitDevice refuses, with 429 and Retry-After, a device that sends
// requests faster than its rate. It runs after authenticate: the key is
// the device, not its address, because laptops share NATs.
func (s *Server) limitDevice(next echo.HandlerFunc) echo.HandlerFunc {
	if s.devices == nil {
		return next
	}
	return func(c echo.Context) error {
		if d := s.devices.wait(deviceOf(c).ID.String(), s.cfg.Now()); d > 0 {
			return tooMany(c, d, "this device sends requests too fast")
		}
		return next(c)
	}
}

// limitAddress refuses, with 429 and Retry-After, a network address that
// tries to enroll too often.
func (s *Server) limitAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if err != nil {
			host = c.Request().RemoteAddr
		}
		if d := s.enrollments.wait(host, s.cfg.Now()); d > 0 {
			return tooMany(c, d, "too many enrollment attempts from this network")
		}
		return next(c)
	}
}

func tooMany(c echo.Context, wait time.Duration, why string) error {
	secs := max(int64(math.Ceil(wait.Seconds())), 1)
	c.Response().Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	return fail(syncengine.CodeRateLimited, fmt.Sprintf("%s: wait %d s and try again (hodan sync waits by itself)", why, secs))
}
