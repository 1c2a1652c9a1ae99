package audit

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/internal/longtest"
	"hodan/syncengine"
)

// exportLine is rec as Export writes it: one line of json.Encoder.
func exportLine(t testing.TB, rec Record) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(rec); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func entryRecord(batch uint64, c syncengine.Change) Record {
	h := syncengine.EntryHash(syncengine.Hash{1}, 7, c.Hash(), syncengine.Hash{})
	return Record{Type: TypeEntry, Batch: batch, Seq: 7, Change: &c, Hash: &h}
}

func sampleChange() syncengine.Change {
	return syncengine.Change{Table: "households", Row: uuid.MustParse("01a24313-120e-787d-b32e-f7ce9d49f7ce"), Column: "head_name",
		Value: syncengine.Text("Bùi Văn Thao"), HLC: 117730289451401237, Base: 117730289451401000, CL: 1, Scope: "02008",
		Site: uuid.MustParse("6f1c0e2a-8a4e-4c55-9b39-1b6d1c6f3a10"), Seq: 40}
}

// TestDecodeEntryTakesExportShape: the entries Export writes with text,
// integer or null values are decoded without encoding/json, to what
// encoding/json makes of them; those with a real, a blob or a text with
// escapes are left to encoding/json.
func TestDecodeEntryTakesExportShape(t *testing.T) {
	type tc struct {
		name  string
		batch uint64
		edit  func(c *syncengine.Change)
		fast  bool
	}
	tests := []tc{
		{"text", 3, func(*syncengine.Change) {}, true},
		{"no batch", 0, func(*syncengine.Change) {}, true},
		{"row existence", 3, func(c *syncengine.Change) { c.Column, c.Value, c.Base = "", syncengine.Null(), 0 }, true},
		{"integer", 3, func(c *syncengine.Change) { c.Value = syncengine.Int(-1970) }, true},
		{"largest integer", 3, func(c *syncengine.Change) { c.Value = syncengine.Int(math.MinInt64) }, true},
		{"no base", 3, func(c *syncengine.Change) { c.Base = 0 }, true},
		{"largest numbers", math.MaxUint64, func(c *syncengine.Change) { c.HLC, c.Seq, c.CL = math.MaxUint64, math.MaxUint64, math.MaxUint64 }, true},
		{"empty text", 3, func(c *syncengine.Change) { c.Value = syncengine.Text("") }, true},
		{"real", 3, func(c *syncengine.Change) { c.Value = syncengine.Real(1.5) }, false},
		{"blob", 3, func(c *syncengine.Change) { c.Value = syncengine.Blob([]byte{0, 1, 2}) }, false},
		{"text with escapes", 3, func(c *syncengine.Change) { c.Value = syncengine.Text("a \"b\" <c>\n") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sampleChange()
			tt.edit(&c)
			line := exportLine(t, entryRecord(tt.batch, c))
			var fast, slow Record
			if got := decodeEntry(line, &fast); got != tt.fast {
				t.Fatalf("decodeEntry(%s) = %v, want %v", line, got, tt.fast)
			}
			if err := decodeRecord(line, &slow); err != nil {
				t.Fatal(err)
			}
			if tt.fast && !reflect.DeepEqual(fast, slow) {
				t.Errorf("decodeEntry(%s) = %+v, encoding/json %+v", line, fast, slow)
			}
		})
	}
}

// FuzzDecodeEntry: whatever line decodeEntry takes, encoding/json takes
// too, as the same record.
func FuzzDecodeEntry(f *testing.F) {
	c := sampleChange()
	f.Add(exportLine(f, entryRecord(3, c)))
	f.Add(exportLine(f, entryRecord(0, c)))
	c.Column, c.Value, c.Base = "", syncengine.Null(), 0
	f.Add(exportLine(f, entryRecord(3, c)))
	c.Value = syncengine.Int(-0)
	f.Add(exportLine(f, entryRecord(3, c)))
	f.Add([]byte(`{"type":"entry","seq":7,"change":{"t":"households","r":"01A24313-120E-787D-B32E-F7CE9D49F7CE","v":-0,"h":1,"l":1,"p":"x","s":"6f1c0e2a-8a4e-4c55-9b39-1b6d1c6f3a10","q":1},"hash":"ABababababababababababababababababababababababababababababababab"}` + "\n"))
	f.Add([]byte(`{"type":"entry","seq":07,"change":{"t":"h","r":"01a24313-120e-787d-b32e-f7ce9d49f7ce","v":1e3,"h":1,"l":1,"p":"x","s":"6f1c0e2a-8a4e-4c55-9b39-1b6d1c6f3a10","q":1},"hash":"00"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var fast, slow Record
		if !decodeEntry(line, &fast) {
			return
		}
		if err := decodeRecord(line, &slow); err != nil {
			t.Fatalf("decodeEntry took %q, encoding/json refuses it: %v", line, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("decodeEntry(%q) = %+v, encoding/json %+v", line, fast, slow)
		}
	})
}

// TestDecodeEntryAgreesOnMutations: export lines with a few bytes
// replaced, inserted or deleted at random, where decodeEntry takes one,
// decode as encoding/json decodes them. 100,000 lines; HODAN_LONG_TESTS=1
// tries 5,000,000. A failure prints the line: add it to FuzzDecodeEntry's
// seeds.
func TestDecodeEntryAgreesOnMutations(t *testing.T) {
	n := 100_000
	if longtest.On() {
		n = 5_000_000
	}
	var bases [][]byte
	for _, edit := range []func(c *syncengine.Change){
		func(*syncengine.Change) {},
		func(c *syncengine.Change) { c.Column, c.Value, c.Base = "", syncengine.Null(), 0 },
		func(c *syncengine.Change) { c.Value = syncengine.Int(-1970) },
		func(c *syncengine.Change) { c.Value, c.HLC, c.Seq = syncengine.Text(""), math.MaxUint64, 0 },
	} {
		c := sampleChange()
		edit(&c)
		bases = append(bases, exportLine(t, entryRecord(3, c)), exportLine(t, entryRecord(0, c)))
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	taken, declined := 0, 0
	for range n {
		line := mutate(rng, bases[rng.IntN(len(bases))])
		var fast, slow Record
		if !decodeEntry(line, &fast) {
			declined++
			continue
		}
		taken++
		if err := decodeRecord(line, &slow); err != nil {
			t.Fatalf("seed %d: decodeEntry took %q, encoding/json refuses it: %v", seed, line, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("seed %d: decodeEntry(%q) = %+v, encoding/json %+v", seed, line, fast, slow)
		}
	}
	if taken == 0 || declined == 0 {
		t.Fatalf("of %d mutated lines decodeEntry took %d: the mutations do not reach both sides", n, taken)
	}
}

// mutateBytes are what mutate writes: JSON's punctuation, digits, hex
// letters, escapes, spaces, and bytes that are not UTF-8.
const mutateBytes = "{}[]\",:-+.eE0123456789abcdefABCDEFnul\\ \t\n\x00\x1f\x7f\xc3\xa9\xff"

// mutate returns a copy of line with one to three bytes replaced,
// inserted or deleted.
func mutate(rng *rand.Rand, line []byte) []byte {
	out := bytes.Clone(line)
	for range 1 + rng.IntN(3) {
		i := rng.IntN(len(out))
		b := mutateBytes[rng.IntN(len(mutateBytes))]
		switch rng.IntN(3) {
		case 0:
			out[i] = b
		case 1:
			out = slices.Insert(out, i, b)
		default:
			out = slices.Delete(out, i, i+1)
		}
	}
	return out
}
