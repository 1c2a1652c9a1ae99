package syncengine

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// MaxSnapshotBytes bounds a snapshot the client downloads, as sent and
// once decompressed, so that no server can fill the laptop's disk.
const MaxSnapshotBytes = 4 << 30

// bootstrap starts a replica that has never pulled and holds no rows from
// a snapshot of the server's state of its communes. It does nothing for
// any other replica. A server that serves no snapshots (404), or one built
// for another schema, leaves the replica as it was, for the ordinary pull
// to fill, and says so in res.
func (c *Client) bootstrap(ctx context.Context, db *DB, res *SyncResult) error {
	if blank, err := db.blank(ctx); err != nil || !blank {
		return err
	}
	path, size, err := c.downloadSnapshot(ctx, db)
	if pe := (*Error)(nil); errors.As(err, &pe) && pe.Code == CodeNotFound {
		res.SnapshotSkipped = "the server serves no snapshots"
		return nil
	}
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(path)
	info, err := db.AdoptSnapshot(ctx, path)
	// ErrNotBlank: the officer wrote something meanwhile, in another process.
	if errors.Is(err, ErrSnapshotSchema) || errors.Is(err, ErrNotBlank) {
		res.SnapshotSkipped = err.Error()
		return nil
	}
	if err != nil {
		return err
	}
	res.SnapshotBytes, res.SnapshotChanges = size, int(info.Changes)
	res.Pulled += int(info.Changes)
	c.progress(Progress{Phase: "pull", Done: res.Pulled})
	return nil
}

// blank reports whether the replica holds no replicated data: no log
// entry and no row.
func (db *DB) blank(ctx context.Context) (bool, error) {
	var blank bool
	err := db.r.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM sync_log) AND NOT EXISTS (SELECT 1 FROM sync_rows)`).Scan(&blank)
	if err != nil {
		return false, fmt.Errorf("read log: %w", err)
	}
	return blank, nil
}

// downloadSnapshot fetches the server's snapshot into a new file beside the
// database, decompressed and checked against the SHA-256 the server sent,
// and returns its path and the bytes received. The caller removes the file.
func (c *Client) downloadSnapshot(ctx context.Context, db *DB) (string, int64, error) {
	pattern := db.Path() + ".snapshot-*"
	removeStale(pattern)
	f, err := os.CreateTemp(filepath.Dir(pattern), filepath.Base(pattern))
	if err != nil {
		return "", 0, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	d := &snapshotDownload{file: f, idle: c.idleTimeout(), stall: cancel}
	err = c.do(ctx, http.MethodGet, PathSnapshot, nil, d)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		if cause := context.Cause(ctx); errors.Is(cause, errStalled) {
			err = cause
		}
		return "", 0, err
	}
	return f.Name(), d.received, nil
}

// removeStale removes the files matching pattern that a download
// interrupted by a crash left, over an hour ago (a younger one may be
// another process's download under way). They hold personal data.
func removeStale(pattern string) {
	names, _ := filepath.Glob(pattern)
	for _, name := range names {
		if fi, err := os.Stat(name); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(name)
		}
	}
}

var errStalled = errors.New("the server stopped sending the snapshot")

// idleTimeout is the longest a download waits for the next byte: as long
// as the HTTP client gives a whole request.
func (c *Client) idleTimeout() time.Duration {
	if t := c.httpClient().Timeout; t > 0 {
		return t
	}
	return time.Minute
}

// responseReader is an answer that reads its response body itself: one too
// large to decode in memory.
type responseReader interface {
	readResponse(resp *http.Response) error
}

// clientFor is the HTTP client for a request answered into out. A large
// answer on a slow link takes longer than any timeout of a whole request:
// its reader bounds the wait for each byte instead.
func (c *Client) clientFor(out any) *http.Client {
	hc := c.httpClient()
	if _, ok := out.(responseReader); !ok || hc.Timeout == 0 {
		return hc
	}
	unbounded := *hc
	unbounded.Timeout = 0
	return &unbounded
}

// snapshotDownload writes a gzipped snapshot answer, decompressed, to file.
type snapshotDownload struct {
	file     *os.File
	idle     time.Duration
	stall    context.CancelCauseFunc // cancels the request
	received int64
}

func (d *snapshotDownload) readResponse(resp *http.Response) error {
	want := resp.Header.Get(HeaderSnapshotSHA256)
	if len(want) != 2*sha256.Size {
		return fmt.Errorf("%w: the server sent no checksum", ErrBadSnapshot)
	}
	timer := time.AfterFunc(d.idle, func() { d.stall(errStalled) })
	defer timer.Stop()
	h := sha256.New()
	body := io.TeeReader(&idleReader{r: io.LimitReader(resp.Body, MaxSnapshotBytes), d: d, timer: timer}, h)
	zr, err := gzip.NewReader(body)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	n, err := io.Copy(d.file, io.LimitReader(zr, MaxSnapshotBytes+1))
	if err == nil && n > MaxSnapshotBytes {
		err = fmt.Errorf("%w: larger than %d bytes", ErrBadSnapshot, int64(MaxSnapshotBytes))
	}
	if err == nil {
		_, err = io.Copy(io.Discard, body) // what gzip left unread, for the checksum
	}
	if corrupt := (flate.CorruptInputError)(0); errors.As(err, &corrupt) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("%w: damaged on the way: %w", ErrBadSnapshot, err)
	}
	if err != nil {
		return fmt.Errorf("read snapshot: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%w: its SHA-256 is %s, the server announced %s: damaged on the way", ErrBadSnapshot, got, want)
	}
	return nil
}

// idleReader counts what it reads and pushes back its download's stall
// timer at every read.
type idleReader struct {
	r     io.Reader
	d     *snapshotDownload
	timer *time.Timer
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.d.received += int64(n)
	r.timer.Reset(r.d.idle)
	return n, err
}
