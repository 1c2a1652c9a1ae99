package syncengine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestCompactMessageRoundTrip encodes a push and a pull answer as
// MediaCompact messages and decodes them: every member comes back, and the
// envelope holds no "changes".
func TestCompactMessageRoundTrip(t *testing.T) {
	changes := trickyChanges()
	push := PushRequest{Changes: changes, Signature: []byte("a signature of sixty-four bytes, or any bytes the server checks")}
	b, err := AppendCompactPush(nil, &push)
	if err != nil {
		t.Fatal(err)
	}
	assertEnvelope(t, b, `{"signature":"YSBzaWduYXR1cmUgb2Ygc2l4dHktZm91ciBieXRlcywgb3IgYW55IGJ5dGVzIHRoZSBzZXJ2ZXIgY2hlY2tz"}`)
	gotPush, err := DecodeCompactPush(b, 0)
	if err != nil {
		t.Fatalf("decode push: %v", err)
	}
	assertSameMessage(t, gotPush.Changes, changes, gotPush.Signature, push.Signature)

	pull := PullResponse{Incarnation: "inc-1", Reset: true, Changes: changes, Next: Cursor{Seq: 42, Chain: "abcd"}, More: true, ServerTime: 1795420800000}
	if b, err = AppendCompactPull(nil, &pull); err != nil {
		t.Fatal(err)
	}
	assertEnvelope(t, b, `{"incarnation":"inc-1","reset":true,"next":{"seq":42,"chain":"abcd"},"more":true,"server_time":1795420800000}`)
	gotPull, err := DecodeCompactPull(b)
	if err != nil {
		t.Fatalf("decode pull: %v", err)
	}
	assertSameMessage(t, gotPull.Changes, changes, gotPull, PullResponse{Incarnation: "inc-1", Reset: true, Changes: gotPull.Changes, Next: pull.Next, More: true, ServerTime: pull.ServerTime})
}

func assertEnvelope(t *testing.T, msg []byte, want string) {
	t.Helper()
	n, k := binary.Uvarint(msg)
	if k <= 0 || string(msg[k:k+int(n)]) != want {
		t.Fatalf("envelope %q, want %q", msg[k:k+int(n)], want)
	}
}

func assertSameMessage(t *testing.T, got, want []Change, gotRest, wantRest any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d changes decoded, %d encoded", len(got), len(want))
	}
	for i := range want {
		if !sameFullChange(&got[i], &want[i]) {
			t.Fatalf("change %d decoded as %+v, want %+v", i, got[i], want[i])
		}
	}
	if !reflect.DeepEqual(gotRest, wantRest) {
		t.Fatalf("decoded %+v, want %+v", gotRest, wantRest)
	}
}

// TestCompactMessageRefuses checks that a malformed message is refused with
// ErrBadCompact: an envelope length past the end, an envelope that is not
// one JSON object of the message, changes in the envelope, a bad batch; and
// that a push's envelope may hold no member the server does not know, while
// a pull answer's may (a newer server's); and that a push of more changes
// than the receiver takes is refused as such.
func TestCompactMessageRefuses(t *testing.T) {
	batch := AppendCompact(nil, trickyChanges()[:5])
	msg := func(env string) []byte {
		return append(append(binary.AppendUvarint(nil, uint64(len(env))), env...), batch...)
	}
	cases := map[string][]byte{
		"empty":              nil,
		"length past end":    append(binary.AppendUvarint(nil, 1<<40), "{}"...),
		"bad varint":         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"not JSON":           msg("{"),
		"two values":         msg("{} {}"),
		"changes inside":     msg(`{"changes":[]}`),
		"unknown member":     msg(`{"signature":"","newer":1}`),
		"no batch":           msg("{}")[:3],
		"batch truncated":    msg("{}")[:len(msg("{}"))-1],
		"signature a number": msg(`{"signature":1}`),
	}
	for name, b := range cases {
		if _, err := DecodeCompactPush(b, 0); !errors.Is(err, ErrBadCompact) {
			t.Errorf("push %s: err %v, want ErrBadCompact", name, err)
		}
	}
	if _, err := DecodeCompactPush(msg("{}"), 5); err != nil {
		t.Errorf("push of 5 changes, at most 5: %v", err)
	}
	if _, err := DecodeCompactPush(msg("{}"), 4); !errors.Is(err, ErrTooManyChanges) {
		t.Errorf("push of 5 changes, at most 4: err %v, want ErrTooManyChanges", err)
	}
	if _, err := DecodeCompactPull(msg(`{"incarnation":"x","newer":1}`)); err != nil {
		t.Errorf("pull answer with a member this client does not know: %v", err)
	}
	if _, err := DecodeCompactPull(msg(`{"changes":[]}`)); !errors.Is(err, ErrBadCompact) {
		t.Errorf("pull answer with changes in the envelope: err %v, want ErrBadCompact", err)
	}
}

// TestAcceptsCompact reads Accept headers as a server would.
func TestAcceptsCompact(t *testing.T) {
	for accept, want := range map[string]bool{
		"":           false,
		"*/*":        false,
		MediaJSON:    false,
		AcceptPull:   true,
		MediaCompact: true,
		"application/json;q=1, " + MediaCompact + ";q=0.5": true,
		MediaCompact + ";q=0":                              false,
		MediaCompact + ";q=0.0, application/json":          false,
		"APPLICATION/VND.HODAN.V1+COMPACT":                 true,
		"application/vnd.hodan.v2+compact":                 false,
		fmt.Sprintf("text/html, %s", MediaCompact):         true,
	} {
		if got := AcceptsCompact(accept); got != want {
			t.Errorf("AcceptsCompact(%q) = %v, want %v", accept, got, want)
		}
	}
}

// TestAcceptedCompact reads Accept headers for the version of the compact
// encoding they take: a client older than HC2 (MediaCompact alone) gets
// HC1, this one (AcceptPull) HC2.
func TestAcceptedCompact(t *testing.T) {
	for accept, want := range map[string]CompactVersion{
		"":                              0,
		"*/*":                           0,
		MediaJSON:                       0,
		MediaCompact + ", " + MediaJSON: HC1, // AcceptPull before HC2
		AcceptPull:                      HC2,
		MediaCompactHC2:                 HC2,
		MediaCompact + ";hc=2;q=0":      0,
		MediaCompact + "; hc=2; q=0, " + MediaCompact:    HC1,
		MediaCompact + "; hc=3":                          HC1,
		MediaCompact + ", " + MediaCompactHC2 + ";q=0.1": HC2,
	} {
		if got := AcceptedCompact(accept); got != want {
			t.Errorf("AcceptedCompact(%q) = %d, want %d", accept, got, want)
		}
	}
}

// TestNextPullPage checks the pages a client asks for as it catches up:
// twice the last up to what the server takes; the client's BatchSize, or
// a server that names no limit, keep the page as it was.
func TestNextPullPage(t *testing.T) {
	cases := []struct {
		batch, limit, max, want int
	}{
		{0, DefaultPullPage, 0, DefaultPullPage},    // a server before MaxLimit
		{0, DefaultPullPage, 5000, DefaultPullPage}, // one that takes no more
		{0, DefaultPullPage, 20000, 2 * DefaultPullPage},
		{0, 10000, 20000, 20000},
		{0, 20000, 20000, 20000},
		{0, 16000, 20000, 20000},
		{0, 20000, 8000, 8000}, // a server that now takes less
		{7, 7, 20000, 7},
	}
	for _, tc := range cases {
		c := &Client{BatchSize: tc.batch}
		if got := c.nextPullPage(tc.limit, tc.max); got != tc.want {
			t.Errorf("BatchSize %d: after %d with a server taking %d: %d, want %d", tc.batch, tc.limit, tc.max, got, tc.want)
		}
	}
}
