package syncengine

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// errSimNet is what the simulated network answers for a request or an
// answer it lost.
var errSimNet = errors.New("simulated network fault")

// simRejectionPage is how many refusals the simulated server lists in one
// versions answer: few, so that the client's loop over them runs.
const simRejectionPage = 3

// simNet is the network between the devices' sync clients and the server:
// an http.RoundTripper that serves requests in process, in the calling
// goroutine. While faulty, it loses requests and answers, delivers a push
// twice, keeps a copy of it to deliver later (after newer ones: reordered),
// delivers only a prefix of a push batch, and cuts answers short.
type simNet struct {
	w       *simWorld
	faulty  bool
	rate    int // percent chance of each fault, at each point where one can happen
	faults  int // faults so far
	delayed []simRequest
}

// simRequest is a request as the server reads it.
type simRequest struct {
	dev    *simReplica // the device enrolled with the request's token (a copy shares it)
	site   SiteID      // the site id the token stands for
	method string
	url    *url.URL
	body   []byte // JSON, decompressed
	epoch  int    // how many times the server had been restored when it was sent
}

func (n *simNet) fault(what string) bool {
	if !n.faulty || n.w.rng.IntN(100) >= n.rate {
		return false
	}
	n.faults++
	n.w.note("fault: %s", what)
	return true
}

// RoundTrip carries one request to the server and its answer back.
func (n *simNet) RoundTrip(req *http.Request) (*http.Response, error) {
	sr, err := n.read(req)
	if err != nil {
		n.w.t.Errorf("simulated server: %v", err)
		return nil, err
	}
	if n.fault("request lost") {
		return nil, fmt.Errorf("request lost: %w", errSimNet)
	}
	if len(n.delayed) > 0 && n.fault("an earlier push lands first") {
		n.deliverDelayed()
	}
	if sr.method == http.MethodPost {
		if n.fault("push delayed") {
			n.delayed = append(n.delayed, sr)
			if n.w.rng.IntN(2) == 0 {
				return nil, fmt.Errorf("request delayed: %w", errSimNet)
			}
		}
	}
	serve := n.w.serve
	if sr.method == http.MethodPost && sr.url.Path == PathPush && n.fault("push truncated") {
		serve = truncatedPush
	}
	status, body := serve(sr)
	if n.fault("delivered twice") {
		status, body = serve(sr)
	}
	if n.fault("answer lost") {
		return nil, fmt.Errorf("answer lost: %w", errSimNet)
	}
	if len(body) > 0 && n.fault("answer cut") {
		body = body[:n.w.rng.IntN(len(body))]
	}
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: simHeader(sr, status, body), Body: io.NopCloser(bytes.NewReader(body)),
		Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

func (n *simNet) read(req *http.Request) (simRequest, error) {
	sr := simRequest{method: req.Method, url: req.URL, epoch: n.w.restores}
	token := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	enrolled, ok := n.w.tokens[token]
	if !ok {
		return sr, fmt.Errorf("unknown token %q", token)
	}
	sr.dev, sr.site = enrolled.dev, enrolled.site
	if req.Body == nil {
		return sr, nil
	}
	defer req.Body.Close()
	zr, err := gzip.NewReader(req.Body)
	if err != nil {
		return sr, fmt.Errorf("request body: %w", err)
	}
	if sr.body, err = io.ReadAll(zr); err != nil {
		return sr, fmt.Errorf("request body: %w", err)
	}
	return sr, nil
}

// truncatedPush is what the server answers a push whose body was cut on
// the way: httpd cannot decode it (or, cut at a change's boundary, the
// batch no longer matches its signature), refuses it whole and applies
// nothing. A server never applies part of a batch and answers for it as
// for the whole: the device takes a push's answer as the word on every
// change it sent.
func truncatedPush(simRequest) (int, []byte) {
	return http.StatusBadRequest, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeBadRequest, Message: simTruncated}}))
}

// simTruncated is the refusal of a push cut on the way, httpd's words.
const simTruncated = "the body is truncated or not valid gzip: send it again"

// drain delivers or loses, one by one in a random order, every push the
// network kept back.
func (n *simNet) drain() {
	for len(n.delayed) > 0 {
		if n.w.rng.IntN(2) == 0 {
			n.deliverDelayed()
		} else {
			n.delayed = n.delayed[1:]
		}
	}
}

// delays reports whether the network holds a push of d back.
func (n *simNet) delays(d *simReplica) bool {
	for _, sr := range n.delayed {
		if sr.dev == d {
			return true
		}
	}
	return false
}

// deliverDelayed delivers the oldest or another push the network kept back;
// nobody waits for the answer any more.
func (n *simNet) deliverDelayed() {
	if len(n.delayed) == 0 {
		return
	}
	i := n.w.rng.IntN(len(n.delayed))
	sr := n.delayed[i]
	n.delayed = append(n.delayed[:i], n.delayed[i+1:]...)
	status, _ := n.w.serve(sr)
	n.w.note("late push from %s: %d", sr.dev.name, status)
}

// serve is the server's side of the protocol, as server/httpd does it: the
// device's version vector and refusals, its pushes vetted against its
// communes, and pulls of its communes' changes but its own.
func (w *simWorld) serve(sr simRequest) (int, []byte) {
	var out any
	var err error
	switch sr.url.Path {
	case PathVersions:
		out, err = w.serveVersions(sr)
	case PathPush:
		out, err = w.servePush(sr)
	case PathPull:
		out, err = w.servePull(sr)
	case PathSnapshot:
		return w.serveSnapshot(sr)
	case PathFork:
		return w.serveFork(sr)
	default:
		err = fmt.Errorf("no route %s %s", sr.method, sr.url.Path)
	}
	if errors.Is(err, ErrSequenceGap) && sr.epoch < w.restores {
		// a push sent before the server lost, in a restore, what came before it
		return http.StatusConflict, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeSequenceGap, Message: err.Error()}}))
	}
	if code := w.copiedPushRefusal(err); code != "" {
		return http.StatusConflict, []byte(mustJSON(ErrorResponse{Error: Error{Code: code, Message: err.Error()}}))
	}
	if err != nil {
		w.t.Errorf("server, %s %s from %s: %v", sr.method, sr.url.Path, sr.dev.name, err)
		return http.StatusInternalServerError, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeInternal, Message: err.Error()}}))
	}
	return http.StatusOK, []byte(mustJSON(out))
}

func (w *simWorld) serverMillis() int64 { return w.now.Add(w.server.offset).UnixMilli() }

func (w *simWorld) serveVersions(sr simRequest) (any, error) {
	after, err := simUintParam(sr.url.Query(), "rejected_after")
	if err != nil {
		return nil, err
	}
	srv := w.server.db
	vv, err := srv.Versions(w.ctx, sr.site)
	if err != nil {
		return nil, err
	}
	rejected, err := srv.Rejections(w.ctx, sr.site, after, simRejectionPage)
	if err != nil {
		return nil, err
	}
	verify, err := w.serveFingerprints(sr, vv[sr.site])
	if err != nil {
		return nil, err
	}
	return VersionsResponse{Incarnation: srv.Incarnation(), ServerTime: w.serverMillis(), Versions: vv, Rejected: rejected,
		Verify: verify, MaxClockSkew: DefaultClockTolerance.Milliseconds()}, nil
}

func (w *simWorld) servePush(sr simRequest) (any, error) {
	var req PushRequest
	if err := json.Unmarshal(sr.body, &req); err != nil {
		return nil, fmt.Errorf("decode push: %w", err)
	}
	for _, c := range req.Changes {
		if c.Site != sr.site {
			return nil, fmt.Errorf("change #%d of site %s pushed by another device", c.Seq, c.Site)
		}
	}
	srv := w.server.db
	horizon := w.horizon(w.server)
	res, err := srv.ApplyPush(w.ctx, req.Changes, simVetter(sr.dev, horizon))
	if err != nil {
		return nil, err
	}
	w.noteFuture(sr.dev, req.Changes, res.Rejected, horizon)
	vv, err := srv.Versions(w.ctx, sr.site)
	if err != nil {
		return nil, err
	}
	return PushResponse{Applied: res.Applied, Duplicates: res.Duplicates, Rejected: res.Rejected,
		Versions: vv, ServerTime: w.serverMillis()}, nil
}

func (w *simWorld) servePull(sr simRequest) (any, error) {
	q := sr.url.Query()
	pq := PullQuery{Incarnation: q.Get("incarnation"), Scopes: sr.dev.scopes, Exclude: sr.site}
	pq.After.Chain = q.Get("chain")
	var err error
	if pq.After.Seq, err = simUintParam(q, "after"); err != nil {
		return nil, err
	}
	limit, err := simUintParam(q, "limit")
	if err != nil {
		return nil, err
	}
	pq.Limit = int(limit)
	srv := w.server.db
	page, err := srv.ReadPull(w.ctx, pq)
	if err != nil {
		return nil, err
	}
	if page.Changes == nil {
		page.Changes = []Change{}
	}
	return PullResponse{Incarnation: srv.Incarnation(), Reset: page.Reset, Changes: page.Changes,
		Next: page.Next, More: page.More, ServerTime: w.serverMillis()}, nil
}

// noteFuture notes the refusals of a push, and how many of its changes
// the server accepted stamped past its horizon: edits of values stamped in
// its future, which the write rule explains.
func (w *simWorld) noteFuture(dev *simReplica, changes []Change, rejected []Rejection, horizon HLC) {
	refused := map[uint64]bool{}
	for _, r := range rejected {
		refused[r.Seq] = true
		w.note("server refuses %s #%d: %s %s", dev.name, r.Seq, r.Code, r.Message)
	}
	n := 0
	for _, c := range changes {
		if c.HLC > horizon && !refused[c.Seq] {
			n++
		}
	}
	if n > 0 {
		w.note("server accepts %d changes of %s stamped past its horizon", n, dev.name)
	}
}

func simUintParam(q url.Values, name string) (uint64, error) {
	if q.Get(name) == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(q.Get(name), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// simVetter refuses what server/httpd's vetter refuses of an honest device:
// changes outside its communes, changes stamped past the server's horizon
// that the write rule does not explain, a root row's scope column that is
// not its scope, and a link to a known row of another commune.
func simVetter(dev *simReplica, horizon HLC) Vetter {
	return func(c *Change, rows RowReader) (*Rejection, error) {
		if !dev.enrolled(c.Scope) {
			return &Rejection{Code: CodeOutOfScope, Message: "commune " + c.Scope + " is not among this device's communes"}, nil
		}
		if ahead, err := StampAhead(c, horizon, rows); err != nil || ahead {
			return &Rejection{Code: CodeClockSkew, Message: fmt.Sprintf("stamped %v, past the server's horizon %v", c.HLC, horizon)}, err
		}
		spec := simSpec(c.Table)
		if c.Column != "" && c.Column == spec.ScopeColumn && c.Value.String() != c.Scope {
			return &Rejection{Code: CodeScopeMismatch, Message: "the scope column is not the row's scope"}, nil
		}
		if c.Column == "" || c.Column != spec.ParentColumn {
			return nil, nil
		}
		id, err := uuidOf(c.Value)
		if err != nil {
			return &Rejection{Code: CodeInvalidValue, Message: err.Error()}, nil
		}
		scope, _, err := rows.Row(spec.ParentTable, id)
		if err != nil {
			return nil, err
		}
		if scope != "" && scope != c.Scope {
			return &Rejection{Code: CodeOutOfScope, Message: "the parent row is of another commune"}, nil
		}
		return nil, nil
	}
}

// simEngineError reports whether err is one the engine must never return
// to an honest device, whatever the network did (a push the network cut is
// refused for that, by the network's doing).
func simEngineError(err error) bool {
	for _, e := range []error{ErrSequenceReused, ErrSequenceGap, ErrDiverged, ErrScopeMismatch, ErrBadChange} {
		if errors.Is(err, e) {
			return true
		}
	}
	var pe *Error
	return errors.As(err, &pe) && !(pe.Code == CodeBadRequest && pe.Message == simTruncated)
}
