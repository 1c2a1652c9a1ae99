package syncengine

// Fuzz targets for every decoder of input from the network or from disk:
// values, changes, HLCs, cursors, and the server's answers as the client
// decodes them. Each checks properties (round trips, documented errors,
// state left as it was), not only the absence of a panic. Seed corpora are
// in testdata/fuzz/<Target>; run one target with
//
//	go test -run '^$' -fuzz '^FuzzValueJSON$' -fuzztime 5m -parallel 1 ./syncengine

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzValueJSON decodes a cell value as JSON. A value that decodes encodes
// canonically: encoding it again and decoding gives the same value, bit for
// bit, and the same bytes. Anything refused is refused with ErrBadValue;
// and nothing is silently changed on the way in: text comes only from
// valid UTF-8, a blob only from an object with no member but "x".
func FuzzValueJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var direct Value
		errDirect := direct.UnmarshalJSON(data)
		if errDirect != nil && !errors.Is(errDirect, ErrBadValue) {
			t.Fatalf("UnmarshalJSON(%q) = %v, want ErrBadValue", data, errDirect)
		}
		var v Value
		err := json.Unmarshal(data, &v)
		if json.Valid(data) && (err == nil) != (errDirect == nil) {
			t.Fatalf("json.Unmarshal and UnmarshalJSON disagree on %q: %v, %v", data, err, errDirect)
		}
		if err != nil {
			return
		}
		if !v.Equal(direct) {
			t.Fatalf("%q: json.Unmarshal gives %#v, UnmarshalJSON %#v", data, v, direct)
		}
		assertNothingDropped(t, data, v)
		enc := mustMarshal(t, v)
		var again Value
		if err := json.Unmarshal(enc, &again); err != nil {
			t.Fatalf("%q decoded to %#v, whose encoding %s does not decode: %v", data, v, enc, err)
		}
		if !again.Equal(v) || again.Kind() != v.Kind() {
			t.Fatalf("%q: %#v encodes as %s, which decodes to %#v", data, v, enc, again)
		}
		if enc2 := mustMarshal(t, again); !bytes.Equal(enc, enc2) {
			t.Fatalf("%q: encoding is not canonical: %s, then %s", data, enc, enc2)
		}
		// The value also survives the way into and out of SQLite.
		if back, err := ValueOf(v.Any()); err != nil || !back.Equal(v) {
			t.Fatalf("%#v: ValueOf(Any()) = %#v, %v", v, back, err)
		}
	})
}

// assertNothingDropped checks that decoding data to v lost nothing that
// data said: no invalid UTF-8 replaced in text, no member of a blob
// object ignored. (encoding/json matches "x" without regard to case.)
func assertNothingDropped(t *testing.T, data []byte, v Value) {
	t.Helper()
	if v.Kind() == KindText && !utf8.Valid(data) {
		t.Fatalf("%q is not valid UTF-8, and decoded to the text %q", data, v.String())
	}
	var members map[string]json.RawMessage
	if v.Kind() != KindBlob || json.Unmarshal(data, &members) != nil {
		return
	}
	for name := range members {
		if !strings.EqualFold(name, "x") {
			t.Fatalf("%q decoded to a blob, ignoring its member %q", data, name)
		}
	}
}

// FuzzChangeJSON decodes a change as a client does (unknown fields
// ignored), checks that its encoding decodes again under the server's
// stricter rules to the same change, then merges it into a real replica: a
// change is either merged and read back from the log unchanged, or refused
// with a documented error and nothing changed. Merging it again changes
// nothing.
func FuzzChangeJSON(f *testing.F) {
	rep := newFuzzReplica(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Change
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		enc := mustMarshal(t, c)
		var strict Change
		dec := json.NewDecoder(bytes.NewReader(enc))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&strict); err != nil {
			t.Fatalf("%q decoded, but its encoding %s does not: %v", data, enc, err)
		}
		if !sameFullChange(&c, &strict) {
			t.Fatalf("%q: %+v encodes as %s, which decodes to %+v", data, c, enc, strict)
		}
		db := rep.get(t)
		mustMergeOrRefuse(t, db, []Change{c}, pulled{})
	})
}

// FuzzHLC checks that an HLC's parts, its text and its JSON give it back,
// and that a clock that observed it issues later timestamps.
func FuzzHLC(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw uint64, wallMillis int64) {
		h := HLC(raw)
		if back := MakeHLC(h.Millis(), h.Counter()); back != h {
			t.Fatalf("MakeHLC(%d, %d) = %d, want %d", h.Millis(), h.Counter(), back, h)
		}
		when, counter, ok := strings.Cut(h.String(), "/")
		if !ok {
			t.Fatalf("%d formats as %q, with no counter", raw, h)
		}
		if n, err := strconv.ParseUint(counter, 10, 16); err != nil || uint16(n) != h.Counter() {
			t.Fatalf("%d formats as %q: counter %q, want %d", raw, h, counter, h.Counter())
		}
		if h.Time().Year() <= 9999 { // four-digit years read back
			tm, err := time.Parse("2006-01-02T15:04:05.000Z", when)
			if err != nil || tm.UnixMilli() != h.Millis() {
				t.Fatalf("%d formats as %q, which reads back as %v (%v), want %d ms", raw, h, tm, err, h.Millis())
			}
		}
		var c Change
		if err := json.Unmarshal(mustMarshal(t, Change{HLC: h, Base: h}), &c); err != nil || c.HLC != h || c.Base != h {
			t.Fatalf("HLC %d through JSON: %d, %d, %v", raw, c.HLC, c.Base, err)
		}
		// A replica observes only HLCs it can store (checkBounds), and its
		// wall clock reads after 1970 and before the 48 bits run out. It
		// follows them up to its horizon only.
		seen := h & math.MaxInt64
		wall := time.UnixMilli(wallMillis & (1<<47 - 1))
		clock := NewClock(func() time.Time { return wall }, 0, 0)
		horizon := clock.Horizon()
		clock.Observe(seen)
		first := clock.Now()
		if (seen <= horizon && first <= seen) || first < MakeHLC(wall.UnixMilli(), 0) || (seen > horizon && first > horizon) {
			t.Fatalf("after observing %d with the wall at %v (horizon %d), Now() = %d", seen, wall, horizon, first)
		}
		if second := clock.Now(); second <= first {
			t.Fatalf("Now() = %d after %d", second, first)
		}
	})
}

// FuzzCursor decodes a pull cursor as a replica reads it back from its
// database, stores it and reads it again, and pulls from it: a cursor that
// names an entry of the log and its chain continues after that entry, any
// other starts again from the beginning (Reset), and neither is an error.
func FuzzCursor(f *testing.F) {
	ctx := context.Background()
	db := mustOpen(f, "cursor")
	for i, scope := range []string{"05362", "02008", "05362"} {
		mustInsert(f, db, "villages", map[string]any{"commune": scope, "name": fmt.Sprintf("Bản %d", i)})
	}
	log, seqs, err := db.ReadLog(ctx, 0, 1000)
	if err != nil {
		f.Fatal(err)
	}
	// The chain at every entry, worked out again from the entries.
	chains := map[uint64]string{}
	var prev Hash
	for i := range log {
		prev = EntryHash(prev, seqs[i], log[i].Hash(), Hash{})
		chains[seqs[i]] = prev.String()
	}
	last := seqs[len(seqs)-1]
	head := Cursor{Seq: last, Chain: chains[last]}
	for seq, chain := range chains { // the log's own cursors, made at run time
		f.Add([]byte(fmt.Sprintf(`{"seq":%d,"chain":%q}`, seq, chain)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cur Cursor
		if err := unmarshalJSON(string(data), &cur); err != nil {
			return
		}
		if _, err := db.ApplyPulled(ctx, nil, db.Incarnation(), cur); err != nil {
			t.Fatalf("store cursor %+v: %v", cur, err)
		}
		if inc, got, err := db.PullCursor(ctx); err != nil || got != cur || inc != db.Incarnation() {
			t.Fatalf("stored cursor %+v, read back %q %+v, %v", cur, inc, got, err)
		}
		page, err := db.ReadPull(ctx, PullQuery{After: cur, Scopes: []string{"05362", "02008"}, Limit: 1000})
		if err != nil {
			t.Fatalf("pull after %+v: %v", cur, err)
		}
		chain, known := chains[cur.Seq]
		match := cur.Seq == 0 || (known && chain == cur.Chain)
		if page.Reset == match {
			t.Fatalf("pull after %+v: reset %v, but the cursor matches the log: %v", cur, page.Reset, match)
		}
		from := 0
		if match {
			from = int(cur.Seq)
		}
		if len(page.Changes) != len(log)-from || page.Next != head || page.More {
			t.Fatalf("pull after %+v: %d changes, next %+v, more %v; want %d, %+v, false", cur, len(page.Changes), page.Next, page.More, len(log)-from, head)
		}
		for i := range page.Changes {
			if !sameFullChange(&page.Changes[i], &log[from+i]) {
				t.Fatalf("pull after %+v: change %d is %+v, the log's #%d %+v", cur, i, page.Changes[i], seqs[from+i], log[from+i])
			}
		}
	})
}

// FuzzPullResponse hands the client any bytes as the answer to a pull, over
// real HTTP, and merges what decodes into a real replica: the page is either
// merged whole, with its cursor recorded exactly and every change in the
// log, or refused with a documented error and nothing changed. Merging it
// again changes nothing. "$SITE" in the input is replaced by the replica's
// own site id, so that the fuzzer can reach its own changes.
func FuzzPullResponse(f *testing.F) {
	srv := newAnswerer(f)
	rep := newFuzzReplica(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.Background()
		db := rep.get(t)
		srv.answer(http.StatusOK, withSite(body, db))
		var page PullResponse
		if err := srv.client().do(ctx, http.MethodGet, PathPull, nil, &page); err != nil {
			assertNotProtocolError(t, err)
			return
		}
		assertStableJSON(t, page, &PullResponse{})
		n := mustMergeOrRefuse(t, db, page.Changes, pulled{page.Incarnation, page.Next})
		if n < 0 {
			return
		}
		if inc, cur, err := db.PullCursor(ctx); err != nil || inc != page.Incarnation || cur != page.Next {
			t.Fatalf("after the page: cursor %q %+v (%v), want %q %+v", inc, cur, err, page.Incarnation, page.Next)
		}
	})
}

// FuzzVersionsResponse hands the client any bytes as the server's version
// vector, over real HTTP. Whatever it says, the client never changes its
// log or merged state; it reports ErrDiverged whenever the server claims
// more of this device's changes than it wrote (and otherwise only for
// fingerprints that are not of its changes); and it records as refused
// only changes of its own log. "$SITE" in the input is replaced by the
// replica's site id.
func FuzzVersionsResponse(f *testing.F) {
	ctx := context.Background()
	srv := newAnswerer(f)
	db := mustOpen(f, "versions")
	for _, name := range []string{"Bản Phiêng", "Bản Nà"} {
		mustInsert(f, db, "villages", map[string]any{"commune": "05362", "name": name})
	}
	own, err := db.OwnSeq(ctx)
	if err != nil {
		f.Fatal(err)
	}
	// A real server filters refusals by rejected_after; this one answers the
	// fuzzer's bytes once, then that it holds nothing more.
	done := []byte(`{"incarnation":"i","server_time":0,"versions":{}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		body = withSite(body, db)
		var first VersionsResponse // the answer, decoded as the client decodes it
		decodes := json.NewDecoder(bytes.NewReader(body)).Decode(&first) == nil
		before := mustReplicaState(t, db)
		srv.answer(http.StatusOK, body, done)
		_, err := srv.client().versions(ctx, db)
		if after := mustReplicaState(t, db); after != before {
			t.Fatalf("asking for versions changed the replica: %+v, then %+v", before, after)
		}
		if !decodes {
			if err == nil {
				t.Fatalf("the client took %q, which does not decode", body)
			}
			assertNotProtocolError(t, err)
			return
		}
		if held := first.Versions[db.Site()]; held > own && !errors.Is(err, ErrDiverged) || errors.Is(err, ErrDiverged) && held <= own && first.Verify == nil {
			t.Fatalf("server holds #%d of %d own changes: err %v", held, own, err)
		}
		rejected, err := db.RejectedChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rejected {
			if r.Site != db.Site() || r.Seq < 1 || r.Seq > own {
				t.Fatalf("recorded as refused: %+v, which is not one of this device's %d changes", r, own)
			}
		}
	})
}

// FuzzEnrollResponse hands the client any bytes as the answer to an
// enrollment: what decodes encodes and decodes again to the same answer.
func FuzzEnrollResponse(f *testing.F) {
	srv := newAnswerer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.answer(http.StatusOK, body)
		er, err := srv.client().Enroll(context.Background(), "ABCDE-FGHJK-MNPQR", SiteID{1})
		if err != nil {
			assertNotProtocolError(t, err)
			return
		}
		assertStableJSON(t, er, &EnrollResponse{})
	})
}

// FuzzErrorResponse hands the client any bytes as an error answer: the
// client always fails, with the server's *Error when the body names a code,
// and otherwise with an error that gives the HTTP status.
func FuzzErrorResponse(f *testing.F) {
	srv := newAnswerer(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := 300 + int(status)%300
		if code == http.StatusNotModified {
			code = http.StatusTeapot // a 304 answer carries no body
		}
		srv.answer(code, body)
		var out DigestResponse
		err := srv.client().do(context.Background(), http.MethodGet, PathDigest, nil, &out)
		if err == nil {
			t.Fatalf("HTTP %d %q: no error", code, body)
		}
		var want ErrorResponse
		decoded := json.NewDecoder(bytes.NewReader(body)).Decode(&want) == nil && want.Error.Code != ""
		var pe *Error
		switch {
		case decoded && (!errors.As(err, &pe) || *pe != want.Error):
			t.Fatalf("HTTP %d %q: error %v, want the server's %+v", code, body, err, want.Error)
		case !decoded && (errors.As(err, &pe) || !strings.Contains(err.Error(), strconv.Itoa(code))):
			t.Fatalf("HTTP %d %q: error %q, want one that gives the status", code, body, err)
		}
	})
}

// fuzzReplica is a replica a fuzz target keeps from one input to the next,
// since opening a database costs far more than an input. Once its log
// passes maxFuzzLog entries it starts again on a new, empty database, so
// that reading its state stays cheap.
type fuzzReplica struct {
	dir string
	db  *DB
	n   int // databases opened so far
}

const maxFuzzLog = 2000

func newFuzzReplica(f *testing.F) *fuzzReplica {
	r := &fuzzReplica{dir: f.TempDir()}
	f.Cleanup(func() {
		if r.db != nil {
			r.db.Close()
		}
	})
	return r
}

func (r *fuzzReplica) get(t *testing.T) *DB {
	t.Helper()
	if r.db != nil && mustHead(t, r.db).Seq < maxFuzzLog {
		return r.db
	}
	if r.db != nil {
		r.db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(r.db.Path() + suffix)
		}
	}
	r.n++
	db, err := Open(context.Background(), filepath.Join(r.dir, fmt.Sprintf("replica%d.db", r.n)), testConfig())
	if err != nil {
		t.Fatalf("open replica: %v", err)
	}
	r.db = db
	return db
}

// replicaState is what a refused input must leave as it was: the merged
// state, the log (its head and chain hash cover every entry before it) and
// the pull cursor.
type replicaState struct {
	digest      string
	head        Cursor
	incarnation string
	cursor      Cursor
}

func mustReplicaState(t testing.TB, db *DB) replicaState {
	t.Helper()
	st := replicaState{digest: mustDigest(t, db, ""), head: mustHead(t, db)}
	var err error
	if st.incarnation, st.cursor, err = db.PullCursor(context.Background()); err != nil {
		t.Fatalf("pull cursor: %v", err)
	}
	return st
}

// mustHead is the cursor at the last entry of db's log.
func mustHead(t testing.TB, db *DB) Cursor {
	t.Helper()
	ctx := context.Background()
	var seq uint64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM sync_log`).Scan(&seq); err != nil {
		t.Fatalf("log head: %v", err)
	}
	cur, err := cursorAt(ctx, db.r, seq)
	if err != nil {
		t.Fatalf("log head: %v", err)
	}
	return cur
}

// pulled is the incarnation and cursor a merged page records.
type pulled struct {
	incarnation string
	next        Cursor
}

// mustMergeOrRefuse merges changes into db as a pulled page, and returns how
// many were new, or -1 if the page was refused. A refused page must be
// refused with a documented error and leave db as it was; a merged one
// leaves every change in the log as it came, its clock past every one
// stamped within its horizon, and merging it again changes nothing.
func mustMergeOrRefuse(t *testing.T, db *DB, changes []Change, p pulled) int {
	t.Helper()
	ctx := context.Background()
	before := mustReplicaState(t, db)
	horizon := db.Clock().Horizon() // the clock follows stamps up to it (Clock.Observe)
	n, err := db.ApplyPulled(ctx, changes, p.incarnation, p.next)
	if err != nil {
		if !errors.Is(err, ErrBadChange) && !errors.Is(err, ErrScopeMismatch) && !errors.Is(err, ErrSequenceReused) {
			t.Fatalf("merge %+v: undocumented error %v", changes, err)
		}
		if after := mustReplicaState(t, db); after != before {
			t.Fatalf("refused page %+v changed the replica: %+v, then %+v", changes, before, after)
		}
		return -1
	}
	merged := mustReplicaState(t, db)
	if grew := merged.head.Seq - before.head.Seq; grew != uint64(n) {
		t.Fatalf("merged %d new changes, the log grew by %d", n, grew)
	}
	for i := range changes {
		c := &changes[i]
		held, err := db.Pending(ctx, c.Site, c.Seq-1, 1)
		if err != nil || len(held) != 1 || !sameFullChange(c, &held[0]) {
			t.Fatalf("merged %+v, the log holds %+v (%v)", *c, held, err)
		}
		if c.HLC <= horizon && db.Clock().Last() < c.HLC {
			t.Fatalf("merged a change at %d, within the horizon %d; the clock is at %d", c.HLC, horizon, db.Clock().Last())
		}
	}
	if again, err := db.ApplyPulled(ctx, changes, p.incarnation, p.next); err != nil || again != 0 {
		t.Fatalf("merging the same page again: %d new, %v", again, err)
	}
	if after := mustReplicaState(t, db); after != merged {
		t.Fatalf("merging the same page again changed the replica: %+v, then %+v", merged, after)
	}
	return n
}

// sameFullChange reports whether a and b are the same change, origin and
// sequence included, values bit for bit.
func sameFullChange(a, b *Change) bool {
	return a.Site == b.Site && a.Seq == b.Seq && a.Value.Kind() == b.Value.Kind() && sameChange(a, b) == nil
}

// answerer is an HTTP server that answers requests with the bodies it was
// last given, in turn, repeating the last: it hands the client's decoders
// a fuzzer's bytes as a server's answers, over real HTTP.
type answerer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	bodies [][]byte
}

func newAnswerer(f *testing.F) *answerer {
	a := &answerer{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		body := a.bodies[0]
		if len(a.bodies) > 1 {
			a.bodies = a.bodies[1:]
		}
		status := a.status
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	f.Cleanup(a.srv.Close)
	return a
}

// answer sets the status and the bodies of the next answers.
func (a *answerer) answer(status int, bodies ...[]byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.bodies = status, bodies
}

func (a *answerer) client() *Client {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return &Client{BaseURL: a.srv.URL, Token: "token", HTTP: a.srv.Client(), Key: key}
}

// withSite replaces "$SITE" in body with db's site id.
func withSite(body []byte, db *DB) []byte {
	return bytes.ReplaceAll(body, []byte("$SITE"), []byte(db.Site().String()))
}

// assertNotProtocolError fails if err is a server's *Error: an answer with
// a 2xx status is never one.
func assertNotProtocolError(t *testing.T, err error) {
	t.Helper()
	var pe *Error
	if errors.As(err, &pe) {
		t.Fatalf("a 200 answer became the protocol error %v", pe)
	}
}

// assertStableJSON checks that v encodes to JSON that decodes, into fresh
// (a pointer to a zero value of v's type), to a value with the same
// encoding.
func assertStableJSON(t *testing.T, v, fresh any) {
	t.Helper()
	enc := mustMarshal(t, v)
	if err := json.Unmarshal(enc, fresh); err != nil {
		t.Fatalf("%T encodes as %s, which does not decode: %v", v, enc, err)
	}
	if again := mustMarshal(t, fresh); !bytes.Equal(enc, again) {
		t.Fatalf("%T encodes as %s, then as %s", v, enc, again)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return b
}
