package syncengine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client syncs a replica with a server over HTTP. Its zero value is not
// usable: set BaseURL, and Token for everything but Enroll.
type Client struct {
	BaseURL   string       // e.g. "https://district.example:8443"
	Token     string       // the device token from Enroll
	HTTP      *http.Client // nil: a client with a 60-second timeout
	BatchSize int          // changes per push or pull batch; 0: DefaultPushBatch a push, DefaultPullPage a pull
	// Progress, if set, is called as a sync advances.
	Progress func(Progress)
	// Key is the device's ed25519 key: Enroll registers its public half,
	// and every pushed batch is signed with it.
	Key ed25519.PrivateKey
	// NoSnapshot makes a replica's first sync pull change by change, not
	// start from a snapshot of the server's state (see Sync).
	NoSnapshot bool
	// NoCompact makes the client speak JSON only: it pushes JSON and asks
	// for JSON pull answers, as clients did before the compact encoding.
	NoCompact bool
	// sequential makes a sync ask for nothing while the push runs: its
	// first pull page is asked for before it (fetchEarly). The simulation
	// sets it, so that a schedule's requests come in one order.
	sequential bool
	// OnFork, if set, saves the device's new token and key when a sync
	// finds its database to be an older copy or a copy used on another
	// laptop and continues under a new site id (see Fork). It is called
	// inside the transaction that moves the replica to the new site, so
	// that a crash leaves the old identity or the new one, whole. The
	// client uses them from then on.
	OnFork func(ctx context.Context, tx *sql.Tx, token string, key ed25519.PrivateKey) error
}

// DefaultBatchSize is the number of changes a pull page holds when the
// request names no limit, and the unit the server's group commit is
// bounded in. A client sends DefaultPushBatch and asks for DefaultPullPage
// unless its BatchSize says otherwise.
const DefaultBatchSize = 1000

// DefaultPushBatch is the number of changes a client sends in one push
// when its BatchSize is 0: the server's largest batch. A laptop pushing a
// commune it recorded offline (141,036 changes in bench/peer) makes a
// fifth of the requests, and the server a fifth of the commits, than with
// batches of DefaultBatchSize. A batch refused as too large (large
// values) is halved until it passes.
const DefaultPushBatch = 5000

// DefaultPullPage is the number of changes a client asks for in one pull
// page when its BatchSize is 0: the server's largest. A page is one
// request and one transaction on the device; a laptop catching up on weeks
// of its colleagues' work does it in a fifth of the pages, and in about
// 60% of the time, than with pages of 1,000 (BENCHMARKS.md, item 4).
const DefaultPullPage = 5000

// MaxResponseBytes bounds what the client reads of one response, after
// decompression.
const MaxResponseBytes = 256 << 20

// Progress reports how far a sync has come.
type Progress struct {
	Phase string // "push" or "pull"
	Done  int    // changes sent or received so far in this phase
	Total int    // changes to send in this phase; 0 if unknown (pull)
}

// SyncResult counts what a sync moved. Pulled counts the changes a
// snapshot brought too.
type SyncResult struct {
	Pushed     int       `json:"pushed"`
	Pulled     int       `json:"pulled"`
	Rejected   int       `json:"rejected"`
	ServerTime time.Time `json:"-"`
	// SnapshotBytes and SnapshotChanges are the size of the snapshot a
	// first sync downloaded (gzipped) and the changes it held.
	SnapshotBytes   int64 `json:"snapshot_bytes,omitempty"`
	SnapshotChanges int   `json:"snapshot_changes,omitempty"`
	// SnapshotSkipped says why a first sync pulled change by change rather
	// than from a snapshot: the server serves none, or one this replica
	// cannot use. Empty if it did not have to.
	SnapshotSkipped string `json:"snapshot_skipped,omitempty"`
	// Fork is set when the sync found this replica's database to be an
	// older copy, or a copy used on another laptop, and continued under a
	// new site id.
	Fork *Fork `json:"fork,omitempty"`
}

// ErrClockAhead is returned, before anything is pushed, when this site
// stamped changes further ahead of the server's clock than the server
// accepts: its wall clock is wrong.
var ErrClockAhead = errors.New("this laptop's clock is ahead of the server's")

// Sync pushes this replica's changes the server lacks, then pulls the
// server's changes it lacks, in batches; each batch is one transaction on
// each side, so an interrupted sync resumes where it stopped. A replica
// that has never pulled and holds no rows first adopts a snapshot of the
// server's state of its communes, unless NoSnapshot is set, and pulls on
// from there; a server that serves no snapshots, or one built for another
// schema, is pulled from change by change (SyncResult.SnapshotSkipped). A push held
// back because this laptop's clock runs ahead does not stop the pull; its
// error is returned after it.
//
// The first pull page is asked for while the push runs (fetchEarly): it
// holds what the server held of others' changes when the sync began, as a
// pull right after the push would, less what came in during the push,
// which the next sync brings.
func (c *Client) Sync(ctx context.Context, db *DB) (SyncResult, error) {
	var res SyncResult
	early := c.fetchEarly(ctx, db)
	defer early.stop()
	pushErr := c.push(ctx, db, &res)
	if pushErr != nil && !errors.Is(pushErr, ErrClockAhead) {
		return res, fmt.Errorf("push: %w", pushErr)
	}
	if err := c.pull(ctx, db, &res, early); err != nil {
		return res, fmt.Errorf("pull: %w", err)
	}
	if err := c.catchUp(ctx, db, &res); err != nil {
		return res, fmt.Errorf("pull: %w", err)
	}
	if pushErr != nil {
		return res, fmt.Errorf("push: %w", pushErr)
	}
	return res, nil
}

func (c *Client) batch() int {
	if c.BatchSize > 0 {
		return c.BatchSize
	}
	return DefaultPushBatch
}

func (c *Client) pullPage() int {
	if c.BatchSize > 0 {
		return c.BatchSize
	}
	return DefaultPullPage
}

func (c *Client) progress(p Progress) {
	if c.Progress != nil {
		c.Progress(p)
	}
}

// push sends, batch by batch, this site's changes beyond what the server
// holds. The server's version vector decides where to start, so changes a
// restored server lost are sent again. A database that turns out to be an
// older copy, or a copy used on another laptop, first continues under a
// new site id (see Fork).
func (c *Client) push(ctx context.Context, db *DB, res *SyncResult) error {
	q := &pushQueue{c: c, db: db}
	defer q.drain()
	if err := q.readEarly(ctx, c.batch()); err != nil {
		return err
	}
	vr, err := c.ownVersions(ctx, db, res)
	if err != nil {
		return err
	}
	res.ServerTime = time.UnixMilli(vr.ServerTime)
	own, err := db.OwnSeq(ctx)
	if err != nil {
		return err
	}
	held := vr.Versions[db.Site()]
	if err := checkClock(ctx, db, vr, held, own); err != nil {
		return err
	}
	total := int(own - held)
	c.progress(Progress{Phase: "push", Total: total})
	q.compact = c.pushVersion(vr)
	recheck := false
	for batch := c.batch(); held < own; {
		pr, n, err := q.push(ctx, held, own, batch)
		var tooLarge *Error
		if errors.As(err, &tooLarge) && tooLarge.Code == CodeTooLarge && n > 1 {
			batch = n / 2 // large values: send fewer changes at a time
			continue
		}
		if isCode(err, CodeSeqReused) && !recheck {
			// Another copy of this database pushed first, under the same
			// numbers: ask again, and continue under a new site id.
			recheck = true
			if vr, err = c.ownVersions(ctx, db, res); err != nil {
				return err
			}
			held = vr.Versions[db.Site()]
			if own, err = db.OwnSeq(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		next := pr.Versions[db.Site()]
		if next <= held {
			return fmt.Errorf("server did not advance past #%d", held)
		}
		res.Pushed += int(next - held)
		res.Rejected += len(pr.Rejected)
		held = next
		c.progress(Progress{Phase: "push", Done: res.Pushed, Total: total})
	}
	if pushed, err := db.pushedSeq(ctx); err != nil || pushed >= held {
		return err
	}
	_, err = c.ownVersions(ctx, db, res) // the server holds more than the batches vouched for
	return err
}

// versions asks the server what it holds of this site's changes, checks
// that what it holds beyond what it acknowledged to this file is this
// file's own (or returns an error wrapping ErrDiverged), and records the
// refusals it reports that this site has not heard of (their push answer
// may have been lost).
func (c *Client) versions(ctx context.Context, db *DB) (VersionsResponse, error) {
	for {
		pushed, err := db.pushedSeq(ctx)
		if err != nil {
			return VersionsResponse{}, err
		}
		var vr VersionsResponse
		after := strconv.FormatUint(pushed, 10)
		if err := c.do(ctx, http.MethodGet, PathVersions+"?rejected_after="+after+"&verify_after="+after, nil, &vr); err != nil {
			return vr, err
		}
		if err := c.checkOwn(ctx, db, vr, pushed); err != nil {
			return vr, err
		}
		// Refusals of numbers past the version the answer gives (a push
		// landed between the two) are left for the next answer: only up to
		// it are the server's changes known to be this file's.
		held := vr.Versions[db.Site()]
		rejected := vr.Rejected
		for len(rejected) > 0 && rejected[len(rejected)-1].Seq > held {
			rejected = rejected[:len(rejected)-1]
		}
		if len(rejected) == 0 {
			if held > pushed {
				return vr, db.RecordPushed(ctx, nil, held)
			}
			return vr, nil
		}
		// Record these refusals and ask again: there may be more of them. A
		// server that answers refusals this device has already heard of
		// would be asked forever: that is its fault, and the sync stops.
		last := rejected[len(rejected)-1].Seq
		if last <= pushed {
			return vr, fmt.Errorf("the server repeats refusals up to #%d after being told this device heard of them up to #%d", last, pushed)
		}
		if err := db.RecordPushed(ctx, rejected, last); err != nil {
			return vr, err
		}
	}
}

// checkClock refuses to push while the server would refuse changes for
// being stamped in its future, so that they stay pending rather than
// rejected: when this laptop's wall clock is ahead of the server's by more
// than the server accepts, or when a change waiting to be sent is stamped
// that far ahead and the write rule does not explain it (see future.go).
// Stamps the laptop only inherited, and edits stamped just after them, hold
// nothing back.
func checkClock(ctx context.Context, db *DB, vr VersionsResponse, held, own uint64) error {
	if vr.MaxClockSkew <= 0 || held >= own {
		return nil
	}
	skew := time.Duration(vr.MaxClockSkew) * time.Millisecond
	server := time.UnixMilli(vr.ServerTime).UTC()
	wall := time.UnixMilli(db.clock.WallMillis()).UTC()
	if ahead := wall.Sub(server); ahead > skew {
		return fmt.Errorf("%w by %s (this laptop's clock reads %s, the server's %s): set this laptop's date and time, then run `hodan clock repair` to re-stamp the changes written meanwhile; nothing was sent",
			ErrClockAhead, ahead.Round(time.Second), wall.Format(time.RFC3339), server.Format(time.RFC3339))
	}
	c, found, err := db.firstAhead(ctx, held, MakeHLC(vr.ServerTime+vr.MaxClockSkew, 1<<hlcCounterBits-1))
	if err != nil || !found {
		return err
	}
	return fmt.Errorf("%w by %s (change #%d is stamped %s, the server's time is %s): set this laptop's date and time, then run `hodan clock repair` to re-stamp the changes waiting to be sent; nothing was sent",
		ErrClockAhead, c.HLC.Time().Sub(server).Round(time.Second), c.Seq, c.HLC.Time().Format(time.RFC3339), server.Format(time.RFC3339))
}

// Enroll exchanges a one-time enrollment code for a device token, and
// registers the public half of c.Key, which must be set.
func (c *Client) Enroll(ctx context.Context, code string, site SiteID) (EnrollResponse, error) {
	var er EnrollResponse
	if c.Key == nil {
		return er, errors.New("enroll: the device has no signing key")
	}
	req := EnrollRequest{Code: code, Site: site, PublicKey: c.Key.Public().(ed25519.PublicKey)}
	err := c.do(ctx, http.MethodPost, PathEnroll, req, &er)
	return er, err
}

// Check asks the server whether it accepts the client's token, and
// returns its refusal if not.
func (c *Client) Check(ctx context.Context) error {
	var vr VersionsResponse
	return c.do(ctx, http.MethodGet, PathVersions, nil, &vr)
}

// Conflicts asks the server for the conflicts in the device's scopes.
func (c *Client) Conflicts(ctx context.Context) ([]ConflictView, error) {
	var cr ConflictsResponse
	err := c.do(ctx, http.MethodGet, PathConflicts, nil, &cr)
	return cr.Conflicts, err
}

// Digest asks the server for its digest of one scope.
func (c *Client) Digest(ctx context.Context, scope string) (string, error) {
	var dr DigestResponse
	err := c.do(ctx, http.MethodGet, PathDigest+"?commune="+url.QueryEscape(scope), nil, &dr)
	return dr.Digest, err
}

// do sends one request, the body gzipped JSON (or compact, for a
// compactPush), and decodes the JSON answer into out (or a compact one,
// for a compactPull). An error answer becomes a *Error. A server that says
// it is asked too often (429) is asked again after the wait it names, a
// few times.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = encodeBody(body); err != nil {
			return err
		}
	}
	return c.send(ctx, method, path, body, payload, out)
}

// send is do with the body already encoded as payload.
func (c *Client) send(ctx context.Context, method, path string, body any, payload []byte, out any) error {
	for attempt := 1; ; attempt++ {
		wait, err := c.try(ctx, method, path, body, payload, out)
		if wait == 0 || attempt == maxAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// maxAttempts is how often a request refused with 429 is sent in all;
// maxRetryWait is the longest the client waits before sending it again.
const (
	maxAttempts  = 6
	maxRetryWait = time.Minute
)

// try sends one request. When the server answers 429 it returns how long
// to wait before trying again, with the error to report if not.
func (c *Client) try(ctx context.Context, method, path string, body any, payload []byte, out any) (time.Duration, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return 0, fmt.Errorf("request %s: %w", path, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", mediaOf(body))
		req.Header.Set("Content-Encoding", "gzip")
	}
	if _, ok := out.(*compactPull); ok {
		req.Header.Set("Accept", AcceptPull)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.clientFor(out).Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(io.LimitReader(resp.Body, MaxResponseBytes))
	if resp.StatusCode >= 300 {
		var wait time.Duration
		if resp.StatusCode == http.StatusTooManyRequests {
			wait = retryAfter(resp.Header.Get("Retry-After"))
		}
		var er ErrorResponse
		if err := dec.Decode(&er); err != nil || er.Error.Code == "" {
			return wait, fmt.Errorf("%s %s: HTTP %s", method, path, resp.Status)
		}
		return wait, &er.Error
	}
	if rr, ok := out.(responseReader); ok {
		return 0, rr.readResponse(resp)
	}
	if cp, ok := out.(*compactPull); ok {
		out = cp.PullResponse
		if IsCompact(resp.Header.Get("Content-Type")) {
			return 0, cp.read(resp.Body)
		}
	}
	if err := dec.Decode(out); err != nil {
		return 0, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return 0, nil
}

// retryAfter reads a Retry-After header in seconds: at least a second, at
// most maxRetryWait.
func retryAfter(h string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || secs < 1 {
		secs = 1
	}
	return min(time.Duration(secs)*time.Second, maxRetryWait)
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 60 * time.Second}
}

// encodeBody encodes a request body, gzipped: a compactPush in the
// compact encoding, anything else as JSON.
func encodeBody(body any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	var err error
	if p, ok := body.(compactPush); ok {
		err = p.write(zw)
	} else {
		err = json.NewEncoder(zw).Encode(body)
	}
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return buf.Bytes(), nil
}
