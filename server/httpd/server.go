// Package httpd is the district server's HTTP face: the sync protocol of
// package syncengine served with Echo, device authentication, and the
// checks that keep each device inside its communes.
package httpd

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"hodan/server/registry"
	"hodan/syncengine"
)

// Config is what a Server needs.
type Config struct {
	DB       *syncengine.DB
	Registry *registry.Registry
	Log      *slog.Logger
	// Now is the server's wall clock: the time it answers and records,
	// and what refills the rate limits; nil means time.Now.
	Now func() time.Time
	// MaxBody bounds a request body as sent; 0 means DefaultMaxBody.
	MaxBody int64
	// MaxClockSkew is how far ahead of the server's clock a change may be
	// stamped; 0 means DefaultMaxClockSkew.
	MaxClockSkew time.Duration
	// DeviceRate is how many requests a second one device may make, with
	// bursts of DeviceBurst; 0 means DefaultDeviceRate (and
	// DefaultDeviceBurst), a negative rate no limit.
	DeviceRate  float64
	DeviceBurst int
	// ReadHeaderTimeout, ReadTimeout and WriteTimeout cut off slow
	// clients; 0 means 10 s, 2 min and 2 min.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout time.Duration
	// SnapshotDir is where the snapshots new devices start from are kept
	// (see /v1/snapshot); "" means the database's path + ".snapshots", or,
	// on PostgreSQL, a directory of this process's own (defaultSnapshotDir).
	// NoSnapshots turns /v1/snapshot off: new devices then pull change by
	// change.
	SnapshotDir string
	NoSnapshots bool
	// SnapshotMaxAge and SnapshotMaxLag say when a kept snapshot is built
	// again: once it is older, or once more changes of its communes were
	// logged since; 0 means DefaultSnapshotMaxAge and
	// DefaultSnapshotMaxLag.
	SnapshotMaxAge time.Duration
	SnapshotMaxLag int
	// SnapshotOnEnroll builds, in the background, the snapshot of a
	// device's communes when it enrolls, so that its first sync, moments
	// later, finds it ready instead of waiting for the build. Wait (and
	// Serve, on shutdown) waits for builds it started.
	SnapshotOnEnroll bool
	// Console, if set, answers every path outside the sync API's /v1
	// (the operators' web console); /v1 keeps its JSON answers, 404s
	// included.
	Console http.Handler
	// NoCompact makes the server speak JSON only, as servers did before
	// the compact encoding (syncengine.MediaCompact): it does not offer
	// it, answers pulls in JSON, and refuses compact pushes (415).
	NoCompact bool
	// NoHC2 makes the server speak the compact encoding's first version
	// only, as servers did before HC2: it does not offer HC2 for pushes,
	// answers pulls in HC1, and answers pull pages of MaxBatch at most.
	NoHC2 bool
}

// Defaults of Config.
const (
	DefaultMaxBody      = 8 << 20
	DefaultMaxClockSkew = syncengine.DefaultClockTolerance
	// MaxBatch is the most changes one push may carry, and one pull page
	// return unless it is one of the few larger pages (MaxPullPage).
	MaxBatch = 5000
	// plainFactor bounds a body once decompressed, as a multiple of MaxBody.
	plainFactor = 16
)

// Server serves the sync protocol. Create it with New.
type Server struct {
	cfg  Config
	echo *echo.Echo
	// handler routes /v1 to echo and the rest to the console, if any.
	handler http.Handler
	// devices limits each device's request rate (nil: no limit);
	// enrollments limits enrollment attempts per network address.
	devices, enrollments *limiter
	// commits applies pushed batches, with group commit.
	commits *committer
	// snapshots keeps the snapshots new devices start from (nil if
	// NoSnapshots).
	snapshots *snapshotCache
	// largePages holds a token for each pull page larger than MaxBatch
	// being read and answered (see largePage).
	largePages chan struct{}
}

// New builds a Server from cfg.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.DeviceRate == 0 {
		cfg.DeviceRate, cfg.DeviceBurst = DefaultDeviceRate, DefaultDeviceBurst
	}
	cfg.DeviceBurst = max(cfg.DeviceBurst, 1)
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, 10*time.Second)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, 2*time.Minute)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, 2*time.Minute)
	s := &Server{cfg: cfg, echo: echo.New(), enrollments: newLimiter(enrollRate, enrollBurst), commits: newCommitter(cfg.DB),
		largePages: make(chan struct{}, maxLargePages)}
	if cfg.DeviceRate > 0 {
		s.devices = newLimiter(rate.Limit(cfg.DeviceRate), cfg.DeviceBurst)
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(cfg.Log)
	e.Use(middleware.Recover())
	e.Use(s.logRequests)
	e.Use(noStore)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: 1024,
		Skipper:   func(c echo.Context) bool { return c.Path() == syncengine.PathSnapshot }, // gzipped already
	}))
	e.GET("/v1/health", s.health)
	e.POST(syncengine.PathEnroll, s.enroll, s.limitAddress)
	// Authentication is attached route by route: an Echo group with
	// middleware would also catch unknown routes and answer them 401.
	e.GET(syncengine.PathVersions, s.versions, s.authenticate, s.limitDevice)
	e.POST(syncengine.PathPush, s.push, s.authenticate, s.limitDevice)
	e.POST(syncengine.PathFork, s.fork, s.authenticate, s.limitDevice)
	e.GET(syncengine.PathPull, s.pull, s.authenticate, s.limitDevice)
	e.GET(syncengine.PathDigest, s.digest, s.authenticate, s.limitDevice)
	e.GET(syncengine.PathConflicts, s.conflicts, s.authenticate, s.limitDevice)
	e.GET(syncengine.PathOfficers, s.officers, s.authenticate, s.limitDevice)
	if !cfg.NoSnapshots {
		s.snapshots = newSnapshotCache(cfg)
		e.GET(syncengine.PathSnapshot, s.snapshot, s.authenticate, s.limitDevice)
	}
	s.handler = e
	if cfg.Console != nil {
		s.handler = http.HandlerFunc(s.route)
	}
	return s
}

// route sends the sync API's paths to Echo and every other path to the
// console.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") {
		s.echo.ServeHTTP(w, r)
		return
	}
	s.cfg.Console.ServeHTTP(w, r)
}

// Wait waits for the background work the server started (snapshots
// built on enrollment) to end. Serve calls it when it shuts down; a caller
// that serves Handler itself calls it before closing the database.
func (s *Server) Wait() {
	if s.snapshots != nil {
		s.snapshots.background.Wait()
	}
}

// Handler is the server as an http.Handler, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting, lets requests in flight finish (up to 30
// seconds), and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	s.Wait()
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			status = statusOf(asProtocolError(err).Code)
		}
		attrs := []any{"method", c.Request().Method, "path", c.Path(), "status", status, "ms", time.Since(start).Milliseconds()}
		if dev, ok := c.Get(deviceKey).(registry.Device); ok {
			attrs = append(attrs, "device", dev.ID.String(), "officer", dev.Officer)
		}
		s.cfg.Log.Info("request", attrs...)
		return err
	}
}

// noStore keeps answers, which carry personal data, out of caches, and
// tells browsers not to guess their type.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		return next(c)
	}
}

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "incarnation": s.cfg.DB.Incarnation()})
}

func (s *Server) nowMillis() int64 { return s.cfg.Now().UnixMilli() }
