package syncengine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// wireMessage is a batch of changes on the wire: a push body or a pull
// answer, in one encoding (issue 7 compares them).
type wireMessage struct {
	name string
	enc  func(w io.Writer, changes []syncengine.Change) error
	dec  func(r io.Reader) ([]syncengine.Change, error)
}

// jsonMessage is the protocol's JSON, the batch in the envelope it travels
// in: a PushRequest, or a PullResponse when pull is true.
func jsonMessage(pull bool) wireMessage {
	if pull {
		return wireMessage{"json",
			func(w io.Writer, changes []syncengine.Change) error {
				return json.NewEncoder(w).Encode(wirePull(changes))
			},
			func(r io.Reader) ([]syncengine.Change, error) {
				var m syncengine.PullResponse
				err := json.NewDecoder(r).Decode(&m)
				return m.Changes, err
			}}
	}
	return wireMessage{"json",
		func(w io.Writer, changes []syncengine.Change) error {
			return json.NewEncoder(w).Encode(syncengine.PushRequest{Changes: changes})
		},
		func(r io.Reader) ([]syncengine.Change, error) {
			var m syncengine.PushRequest
			err := json.NewDecoder(r).Decode(&m)
			return m.Changes, err
		}}
}

// wirePull is a pull answer of a page of changes, as a server sends it.
func wirePull(changes []syncengine.Change) *syncengine.PullResponse {
	return &syncengine.PullResponse{Incarnation: "0193a5b0-7c1e-7d2a-8b3c-4d5e6f708192", Changes: changes,
		Next: syncengine.Cursor{Seq: 5000, Chain: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, More: true, ServerTime: 1795420800000}
}

// compactMessage is the protocol's compact encoding (MediaCompact) of the
// batch in the same envelope as jsonMessage's, in HC1.
func compactMessage(pull bool) wireMessage { return compactMessageIn(pull, syncengine.HC1) }

// compactMessageIn is compactMessage in version v ("compact" is HC1).
func compactMessageIn(pull bool, v syncengine.CompactVersion) wireMessage {
	var buf []byte
	name := "compact"
	if v != syncengine.HC1 {
		name = fmt.Sprintf("hc%d", v)
	}
	return wireMessage{name,
		func(w io.Writer, changes []syncengine.Change) error {
			var err error
			if pull {
				buf, err = syncengine.AppendCompactPullVersion(buf[:0], wirePull(changes), v)
			} else {
				buf, err = syncengine.AppendCompactPushVersion(buf[:0], &syncengine.PushRequest{Changes: changes}, v)
			}
			if err == nil {
				_, err = w.Write(buf)
			}
			return err
		},
		func(r io.Reader) ([]syncengine.Change, error) {
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, err
			}
			if pull {
				m, err := syncengine.DecodeCompactPull(b)
				return m.Changes, err
			}
			m, err := syncengine.DecodeCompactPush(b, 0)
			return m.Changes, err
		}}
}

// wireCompression is how a body is compressed: not, or gzip at a level,
// with one writer reset for each body as a pool would give it.
type wireCompression struct {
	name  string
	level int // 0: not compressed
}

var wireCompressions = []wireCompression{{"plain", 0}, {"gzip", gzip.DefaultCompression}, {"gzip-speed", gzip.BestSpeed}}

// BenchmarkWireCodec compares, on a day's push (as BenchmarkWireDay) and on
// a pull page of 5,000 changes of a commune from a server, the protocol's
// JSON with the compact encoding (HC1 and HC2), each plain and gzipped at
// the default level and at BestSpeed: the bytes (per cell, per change), and
// the CPU time to encode and decode a change.
//
//	go test ./syncengine -run '^$' -bench WireCodec -benchtime 20x
func BenchmarkWireCodec(b *testing.B) {
	for _, load := range []struct {
		name    string
		pull    bool
		changes func(testing.TB) []syncengine.Change
	}{{"day", false, dayChanges}, {"day-varied", false, variedDay}, {"pull5000", true, pullPage}} {
		changes := load.changes(b)
		for _, m := range []wireMessage{jsonMessage(load.pull), compactMessage(load.pull), compactMessageIn(load.pull, syncengine.HC2)} {
			for _, z := range wireCompressions {
				b.Run(fmt.Sprintf("%s/%s/%s", load.name, m.name, z.name), func(b *testing.B) { benchWire(b, m, z, changes) })
			}
		}
	}
}

func benchWire(b *testing.B, m wireMessage, z wireCompression, changes []syncengine.Change) {
	zw, _ := gzip.NewWriterLevel(io.Discard, max(z.level, gzip.DefaultCompression))
	encode := func(buf *bytes.Buffer) {
		buf.Reset()
		w := io.Writer(buf)
		if z.level != 0 {
			zw.Reset(buf)
			w = zw
		}
		if err := m.enc(w, changes); err != nil {
			b.Fatal(err)
		}
		if z.level != 0 {
			if err := zw.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	var zr gzip.Reader
	decode := func(body []byte) []syncengine.Change {
		r := io.Reader(bytes.NewReader(body))
		if z.level != 0 {
			if err := zr.Reset(r); err != nil {
				b.Fatal(err)
			}
			r = &zr
		}
		got, err := m.dec(r)
		if err != nil {
			b.Fatal(err)
		}
		return got
	}
	var body, again bytes.Buffer
	encode(&body)
	sent := bytes.Clone(body.Bytes())
	got := decode(sent)
	if encode(&again); len(got) != len(changes) || !bytes.Equal(again.Bytes(), sent) {
		b.Fatalf("%d changes decoded of %d; encoding them again gives the same bytes: %v", len(got), len(changes), bytes.Equal(again.Bytes(), sent))
	}
	perChange := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(changes)), "ns/change")
		b.ReportMetric(float64(len(sent)), "bytes")
		b.ReportMetric(float64(len(sent))/float64(countCells(changes)), "B/cell")
		b.ReportMetric(float64(len(sent))/float64(len(changes)), "B/change")
	}
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			encode(&body)
		}
		perChange(b)
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			decode(sent)
		}
		perChange(b)
	})
}

// variedDay is dayChanges with its free values replaced by random ones of
// their kind, as varied as real work or more: names, notes and answers
// (texts with a space) by random Vietnamese syllables of the same length,
// integers by others of their size, GPS points moved by up to 0.5° with 4
// decimals. Links and codes (texts without a space: commune, sex, form,
// date) are kept, as are the changes' other fields. Neither encoding then
// gains from the synthetic day's repeated names and notes.
func variedDay(tb testing.TB) []syncengine.Change {
	rng := rand.New(rand.NewPCG(1, 2))
	syllables := strings.Fields("Nguyễn Thị Hoa Bùi Văn Thảo Lò Minh Hường Đặng Sử Ánh Lác bản nhà tạm mái dột cần hỗ trợ nước suối nghèo cận hộ " +
		"Mường Tày Dao Hmông Thái xã huyện Yên Sơn La Hòa Bình ruộng nương trâu bò lợn gà học sinh ốm khỏe")
	changes := dayChanges(tb)
	for i, c := range changes {
		switch v := c.Value.Any().(type) {
		case int64:
			changes[i].Value = syncengine.Int(rng.Int64N(max(2*v, 2)))
		case float64:
			changes[i].Value = syncengine.Real(math.Round((v+rng.Float64()-0.5)*1e4) / 1e4)
		case string:
			if !strings.Contains(v, " ") {
				continue
			}
			var b strings.Builder
			for b.Len() < len(v) {
				b.WriteString(syllables[rng.IntN(len(syllables))] + " ")
			}
			changes[i].Value = syncengine.Text(strings.TrimSpace(b.String()))
		}
	}
	return changes
}

// pullPage is the first page of 5,000 changes a new laptop pulls from a
// server to which three officers of one commune pushed their work (each 25
// households of 4 members and 60 visits), in the server's log order.
func pullPage(tb testing.TB) []syncengine.Change {
	tb.Helper()
	ctx := context.Background()
	srv := addHouseholds(tb, nil, 0, 0)
	for range 3 {
		dev := addHouseholds(tb, nil, 25, 4)
		ids := householdIDs(tb, dev)
		err := dev.Write(ctx, func(tx *syncengine.Tx) error { return insertVisits(tx, ids, 60) })
		if err != nil {
			tb.Fatal(err)
		}
		for after := uint64(0); ; {
			batch, err := dev.Pending(ctx, dev.Site(), after, 1000)
			if err != nil || len(batch) == 0 {
				if err != nil {
					tb.Fatal(err)
				}
				break
			}
			if _, err := srv.ApplyPush(ctx, batch, nil); err != nil {
				tb.Fatal(err)
			}
			after = batch[len(batch)-1].Seq
		}
	}
	page, err := srv.ReadPull(ctx, syncengine.PullQuery{Scopes: []string{"05362"}, Exclude: uuid.New(), Limit: 5000})
	if err != nil || len(page.Changes) != 5000 {
		tb.Fatalf("pull page: %d changes, %v", len(page.Changes), err)
	}
	return page.Changes
}
