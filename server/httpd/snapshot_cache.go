package httpd

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"hodan/syncengine"
)

// Defaults of the snapshot options of Config.
const (
	// DefaultSnapshotMaxAge is how old a cached snapshot may be before it
	// is built again.
	DefaultSnapshotMaxAge = 24 * time.Hour
	// DefaultSnapshotMaxLag is how many changes of its communes may be
	// logged after a cached snapshot was built before it is built again:
	// a device that adopts it pulls those one page at a time.
	DefaultSnapshotMaxLag = 5000
	// snapshotBuildTimeout bounds one build, whoever waits for it.
	snapshotBuildTimeout = 10 * time.Minute
)

// snapshotCache builds the snapshot of a set of communes when a device
// first asks for it, keeps it gzipped in dir (with a JSON file describing
// it, so that it outlives a restart), and builds it again once it is stale.
// A stale snapshot is still correct, only longer to catch up from, so a
// device never waits for more than one build, and concurrent requests for
// the same communes share it. It is safe for concurrent use.
type snapshotCache struct {
	db     *syncengine.DB
	dir    string
	maxAge time.Duration
	maxLag int
	now    func() time.Time
	log    *slog.Logger
	builds singleflight.Group
	// background counts the builds started by warm.
	background sync.WaitGroup

	mu    sync.Mutex
	files map[string]snapshotFile // by key
}

// snapshotFile is one cached snapshot.
type snapshotFile struct {
	Name   string                  `json:"name"` // in the cache directory
	Size   int64                   `json:"size"` // gzipped
	SHA256 string                  `json:"sha256"`
	Built  time.Time               `json:"built"`
	Info   syncengine.SnapshotInfo `json:"info"`
}

func newSnapshotCache(cfg Config) *snapshotCache {
	sc := &snapshotCache{
		db: cfg.DB, dir: cfg.SnapshotDir, maxAge: cfg.SnapshotMaxAge, maxLag: cfg.SnapshotMaxLag,
		now: cfg.Now, log: cfg.Log, files: map[string]snapshotFile{},
	}
	if sc.dir == "" {
		sc.dir = defaultSnapshotDir(cfg.DB)
	}
	if sc.maxAge <= 0 {
		sc.maxAge = DefaultSnapshotMaxAge
	}
	if sc.maxLag <= 0 {
		sc.maxLag = DefaultSnapshotMaxLag
	}
	return sc
}

// defaultSnapshotDir is where snapshots are kept unless Config says: beside
// a SQLite file, its path + .snapshots; for a PostgreSQL store, which
// several processes may serve, a directory of this process's own in the
// system's temporary directory, since the cache is a process's own.
func defaultSnapshotDir(db *syncengine.DB) string {
	if !db.Postgres() {
		return db.Path() + ".snapshots"
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("hodan-snapshots-%s-%d", db.Incarnation(), os.Getpid()))
}

// open returns a fresh snapshot of scopes, building it if need be, and the
// open file. The caller closes it.
func (sc *snapshotCache) open(ctx context.Context, scopes []string) (snapshotFile, *os.File, error) {
	scopes = slices.Compact(slices.Sorted(slices.Values(scopes)))
	key := snapshotKey(scopes)
	for attempt := 0; ; attempt++ {
		f, err := sc.get(ctx, key, scopes)
		if err != nil {
			return f, nil, err
		}
		file, err := os.Open(filepath.Join(sc.dir, f.Name))
		if errors.Is(err, fs.ErrNotExist) && attempt == 0 {
			sc.forget(key, f) // removed behind the server's back: build it again
			continue
		}
		return f, file, err
	}
}

// warm builds the snapshot of scopes in the background, unless a fresh
// one is kept: a device that just enrolled will ask for it in a moment.
func (sc *snapshotCache) warm(scopes []string) {
	scopes = slices.Compact(slices.Sorted(slices.Values(scopes)))
	sc.background.Go(func() {
		if _, err := sc.get(context.Background(), snapshotKey(scopes), scopes); err != nil {
			sc.log.Warn("snapshot not built ahead", "communes", scopes, "err", err)
		}
	})
}

// snapshotKey names the cache entry of a sorted set of scopes.
func snapshotKey(scopes []string) string {
	sum := sha256.Sum256([]byte(strings.Join(scopes, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// get returns the cached snapshot of scopes if it is fresh, or builds it.
func (sc *snapshotCache) get(ctx context.Context, key string, scopes []string) (snapshotFile, error) {
	if f, ok, err := sc.fresh(ctx, key); err != nil || ok {
		return f, err
	}
	v, err, _ := sc.builds.Do(key, func() (any, error) {
		// The build is shared with every request that comes meanwhile: the
		// first one going away must not cancel it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotBuildTimeout)
		defer cancel()
		if f, ok, err := sc.fresh(ctx, key); err != nil || ok {
			return f, err // a build finished just before this one started
		}
		return sc.build(ctx, key, scopes)
	})
	if err != nil {
		return snapshotFile{}, err
	}
	return v.(snapshotFile), nil
}

// fresh returns the cached snapshot of key, read from its description file
// after a restart, if it is young enough and few enough changes of its
// communes were logged since.
func (sc *snapshotCache) fresh(ctx context.Context, key string) (snapshotFile, bool, error) {
	sc.mu.Lock()
	f, ok := sc.files[key]
	sc.mu.Unlock()
	if !ok {
		b, err := os.ReadFile(filepath.Join(sc.dir, key+".json"))
		if err != nil || json.Unmarshal(b, &f) != nil {
			return f, false, nil // none yet, or unreadable: build it
		}
		sc.mu.Lock()
		sc.files[key] = f
		sc.mu.Unlock()
	}
	if sc.now().Sub(f.Built) > sc.maxAge {
		return f, false, nil
	}
	lag, current, err := sc.db.SnapshotLag(ctx, f.Info, sc.maxLag+1)
	// Stale too once more changes came after it than it holds (one built
	// when the communes were empty, as the first device enrolled).
	if err != nil || !current || lag > sc.maxLag || int64(lag) > f.Info.Changes {
		return f, false, err
	}
	return f, true, nil
}

// forget drops f as the cached snapshot of key, unless another replaced it.
func (sc *snapshotCache) forget(key string, f snapshotFile) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.files[key].Name == f.Name {
		delete(sc.files, key)
	}
	os.Remove(filepath.Join(sc.dir, key+".json"))
}

// build builds the snapshot of scopes, gzips it, records it and removes
// what the cache held of key before (a request still sending an old file
// keeps it open until done).
func (sc *snapshotCache) build(ctx context.Context, key string, scopes []string) (snapshotFile, error) {
	start := time.Now()
	if err := os.MkdirAll(sc.dir, 0o700); err != nil {
		return snapshotFile{}, fmt.Errorf("snapshot cache: %w", err)
	}
	raw := filepath.Join(sc.dir, key+".sqlite")
	defer os.Remove(raw)
	f := snapshotFile{Built: sc.now()}
	var err error
	if f.Info, err = sc.db.BuildSnapshot(ctx, scopes, raw); err != nil {
		return snapshotFile{}, err
	}
	f.Name = fmt.Sprintf("%s-%d-%d.sqlite.gz", key, f.Info.Cursor.Seq, f.Built.UnixNano())
	if f.Size, f.SHA256, err = gzipFile(raw, filepath.Join(sc.dir, f.Name)); err != nil {
		return snapshotFile{}, err
	}
	err = atomicWrite(filepath.Join(sc.dir, key+".json"), func(w io.Writer) error { return json.NewEncoder(w).Encode(f) })
	if err != nil {
		os.Remove(filepath.Join(sc.dir, f.Name))
		return snapshotFile{}, err
	}
	sc.mu.Lock()
	sc.files[key] = f
	sc.mu.Unlock()
	sc.sweep(key, f.Name)
	sc.log.Info("snapshot built", "communes", scopes, "changes", f.Info.Changes, "bytes", f.Size,
		"ms", time.Since(start).Milliseconds())
	return f, nil
}

// sweep removes the files of key other than its description and the
// snapshot named keep: older snapshots, and what an interrupted build left.
func (sc *snapshotCache) sweep(key, keep string) {
	names, _ := filepath.Glob(filepath.Join(sc.dir, key+"*"))
	for _, name := range names {
		if base := filepath.Base(name); base != keep && base != key+".json" {
			os.Remove(name)
		}
	}
}

// gzipFile writes src gzipped to dst (atomically, readable by its owner
// only) and returns the gzipped size and SHA-256.
func gzipFile(src, dst string) (int64, string, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, "", fmt.Errorf("snapshot cache: %w", err)
	}
	defer in.Close()
	h := sha256.New()
	var size int64
	err = atomicWrite(dst, func(w io.Writer) error {
		cw := &countWriter{w: io.MultiWriter(w, h)}
		// BestSpeed: on a commune of 141,036 changes (34 MB) it takes a
		// third of the default level's time (1 s of the build's 1.4 s
		// was gzip) for 9% more bytes; a laptop asks for a snapshot only
		// on a fast link, and the build competes with the syncs.
		zw, _ := gzip.NewWriterLevel(cw, gzip.BestSpeed) // the level is valid
		if _, err := io.Copy(zw, in); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		size = cw.n
		return nil
	})
	return size, hex.EncodeToString(h.Sum(nil)), err
}

// atomicWrite writes a new file at path with fill: a temporary file beside
// it, created readable by its owner only, flushed to disk, then renamed.
func atomicWrite(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("snapshot cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	err = fill(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("snapshot cache: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
