package syncengine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// trickyValues are values an encoder gets wrong: both Unicode forms of
// Vietnamese text, "" beside NULL, the ends of int64, the sign of zero,
// subnormals, the largest floats, an empty blob made from nil and from
// []byte{}, and texts that are, or nearly are, a UUID's spelling.
func trickyValues() []Value {
	id := uuid.MustParse("0193a5b0-7c1e-7d2a-8b3c-4d5e6f708192")
	vs := []Value{Null(), Text(""), Blob(nil), Blob([]byte{}), Blob([]byte{0}), Text("\x00"),
		Int(0), Int(1), Int(-1), Int(math.MinInt64), Int(math.MaxInt64),
		Real(0), Real(math.Copysign(0, -1)), Real(math.SmallestNonzeroFloat64), Real(-math.SmallestNonzeroFloat64),
		Real(math.Float64frombits(0x000fffffffffffff)), Real(math.MaxFloat64), Real(-math.MaxFloat64), Real(0.1),
		Text(id.String()), Text(uuid.New().String()), Blob(id[:]),
		Text("0193A5B0-7C1E-7D2A-8B3C-4D5E6F708192"), Text("{" + id.String() + "}"), Text("urn:uuid:" + id.String()),
		Text("0193a5b07c1e7d2a8b3c4d5e6f708192"), Text(id.String()[:35] + "g"),
	}
	for _, s := range simTexts {
		vs = append(vs, Text(s), Blob([]byte(s)))
	}
	return vs
}

// trickyChanges are changes whose fields stress the deltas: every tricky
// value, in tables and scopes that come and go, over 300 sites (indexes
// past one varint byte) whose sequences and clocks jump both ways and to
// the ends of their range, with Base 0, below, equal to and above the HLC,
// and causal lengths past 1.
func trickyChanges() []Change {
	sites := make([]SiteID, 300)
	for i := range sites {
		sites[i] = uuid.New()
	}
	hlcs := []HLC{1, MakeHLC(1_790_000_000_000, 0), MakeHLC(1_790_000_000_000, 1), MakeHLC(1_780_000_000_000, 65535), math.MaxUint64, 0}
	seqs := []uint64{1, 2, 1 << 40, 3, math.MaxUint64, 1}
	bases := []func(HLC) HLC{func(HLC) HLC { return 0 }, func(h HLC) HLC { return h - 1 }, func(h HLC) HLC { return h },
		func(h HLC) HLC { return h + 5 }, func(HLC) HLC { return 1 }, func(HLC) HLC { return math.MaxUint64 }}
	cls := []uint64{1, 2, 3, 4, 1 << 63, math.MaxUint64}
	var out []Change
	rows := []RowID{uuid.New(), uuid.New(), uuid.New()}
	for i, v := range trickyValues() {
		for j := range 3 {
			k := i*3 + j
			c := Change{
				Table: []string{"households", "members", "visits", ""}[k%4], Row: rows[k%len(rows)],
				Column: []string{"head_name", ExistsColumn, "notes"}[k%3], Value: v,
				HLC: hlcs[k%len(hlcs)], CL: cls[k%len(cls)], Scope: []string{"05362", "02008", ""}[k%3],
				Site: sites[(k*7)%len(sites)], Seq: seqs[k%len(seqs)],
			}
			c.Base = bases[(k/2)%len(bases)](c.HLC)
			out = append(out, c)
		}
	}
	return out
}

// simChanges are n changes with values drawn as the simulation draws them
// (sim_values_test.go), over a few sites writing in sequence.
func simChanges(seed uint64, n int) []Change {
	w := &simWorld{rng: rand.New(rand.NewPCG(seed, 7))}
	sites := []SiteID{uuid.New(), uuid.New(), uuid.New()}
	seqs := make([]uint64, len(sites))
	hlc := MakeHLC(1_790_000_000_000, 0)
	var rows []RowID
	out := make([]Change, n)
	for i := range out {
		if len(rows) == 0 || w.rng.IntN(4) == 0 {
			rows = append(rows, uuid.New())
		}
		s := w.rng.IntN(len(sites))
		seqs[s]++
		hlc += HLC(w.rng.IntN(1 << 20))
		v, err := ValueOf(w.value(simKind(w.rng.IntN(int(simLink) + 1))))
		if err != nil {
			panic(err)
		}
		out[i] = Change{Table: "sim_households", Row: rows[w.rng.IntN(len(rows))], Column: "extra", Value: v,
			HLC: hlc, CL: uint64(1 + w.rng.IntN(3)), Scope: "05362", Site: sites[s], Seq: seqs[s]}
		if w.rng.IntN(2) == 0 {
			out[i].Base = hlc - HLC(w.rng.IntN(1<<30))
		}
	}
	return out
}

// TestCompactRoundTrip encodes batches in each version and decodes them:
// every change comes back field for field, values bit for bit, and
// encoding what was decoded, in the same version, gives the same bytes.
func TestCompactRoundTrip(t *testing.T) {
	seed := rand.Uint64()
	batches := map[string][]Change{"tricky": trickyChanges(), "sim": simChanges(seed, 2000), "v7": v7Changes(2000), "empty": nil}
	for name, batch := range batches {
		for _, v := range []CompactVersion{HC1, HC2} {
			t.Run(fmt.Sprintf("%s/%s", name, v.magic()), func(t *testing.T) {
				enc := AppendCompactVersion(nil, batch, v)
				got, err := DecodeCompact(enc)
				if err != nil {
					t.Fatalf("seed %d: decode: %v", seed, err)
				}
				if len(got) != len(batch) {
					t.Fatalf("seed %d: %d changes decoded, %d encoded", seed, len(got), len(batch))
				}
				for i := range batch {
					if !sameFullChange(&got[i], &batch[i]) {
						t.Fatalf("seed %d: change %d decoded as\n%+v\nwant\n%+v", seed, i, got[i], batch[i])
					}
				}
				if again := AppendCompactVersion(nil, got, v); !bytes.Equal(again, enc) {
					t.Fatalf("seed %d: encoding the decoded batch gives other bytes", seed)
				}
			})
		}
	}
}

// v7Changes are n changes of rows with UUIDv7 ids, made one after the
// other as a laptop makes them, a few cells each, members naming their
// household: what HC2's ids table is for.
func v7Changes(n int) []Change {
	site := uuid.New()
	var out []Change
	var household RowID
	for i := 0; len(out) < n; i++ {
		row := uuid.Must(uuid.NewV7())
		c := Change{Table: "members", Row: row, Column: "household_id", Value: Text(household.String()),
			HLC: MakeHLC(1_790_000_000_000+int64(i), 0), CL: 1, Scope: "02008", Site: site, Seq: uint64(len(out) + 1)}
		if i%5 == 0 {
			household = row
			c.Table, c.Column, c.Value = "households", "head_name", Text(fmt.Sprintf("Bùi Văn Thao %d", i))
		}
		out = append(out, c)
	}
	return out
}

// TestCompactIDKey checks that HC2's key of an id gives the id back, for
// ids of every version and the ends of the range, and that UUIDv7 ids
// made one after the other sort in the order they were made.
func TestCompactIDKey(t *testing.T) {
	ids := []uuid.UUID{{}, uuid.Max, uuid.New(), uuid.MustParse("0193a5b0-7c1e-7d2a-8b3c-4d5e6f708192"), uuid.Must(uuid.NewV7())}
	for range 100 {
		var id uuid.UUID
		for i := range id {
			id[i] = byte(rand.Uint32())
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if got := idOfKey(idKey(id), id[8:]); got != id {
			t.Errorf("%x: key %x gives %x back", id, idKey(id), got)
		}
	}
	made := make([]uuid.UUID, 1000)
	for i := range made {
		made[i] = uuid.Must(uuid.NewV7())
	}
	sorted := slices.Clone(made)
	slices.SortFunc(sorted, compareIDs)
	if !slices.Equal(sorted, made) {
		t.Error("UUIDv7 ids made one after the other do not sort in the order they were made")
	}
}

// TestCompactRefuses checks that the decoder refuses what the JSON decoder
// refuses (floats that are not finite, text that is not UTF-8) and anything
// malformed: truncated at any byte, with bytes after the end, or with an
// index past its table.
func TestCompactRefuses(t *testing.T) {
	good := trickyChanges()[:40]
	with := func(v Value) []Change {
		c := append([]Change(nil), good...)
		c[len(c)/2].Value = v
		return c
	}
	valid := AppendCompact(nil, good)
	cases := map[string][]byte{
		"NaN":              AppendCompact(nil, with(Real(math.NaN()))),
		"NaN payload":      AppendCompact(nil, with(Real(math.Float64frombits(0xfff0000000000001)))),
		"+Inf":             AppendCompact(nil, with(Real(math.Inf(1)))),
		"-Inf":             AppendCompact(nil, with(Real(math.Inf(-1)))),
		"not UTF-8":        AppendCompact(nil, with(Text("Ha\xff Giang"))),
		"trailing byte":    append(bytes.Clone(valid), 0),
		"other magic":      append([]byte("HC3"), valid[3:]...),
		"bad tag":          minimalCompact(6, 0, 0, 0),
		"string past end":  append([]byte("HC1"), 1, 0x80, 0x80, 0x80, 0x80, 0x08),
		"count past end":   append([]byte("HC1"), 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f),
		"table index past": minimalCompact(0, 1, 0, 0),
		"row index past":   minimalCompact(0, 0, 1, 0),
		"site index past":  minimalCompact(0, 0, 0, 1),
	}
	for n := range len(valid) {
		cases[fmt.Sprintf("truncated at %d", n)] = valid[:n]
	}
	validHC2 := AppendCompactVersion(nil, good, HC2)
	for n := range len(validHC2) {
		cases[fmt.Sprintf("HC2 truncated at %d", n)] = validHC2[:n]
	}
	low := make([]byte, 8)
	cases["HC2 id listed twice"] = minimalHC2(1, low, 0, low)
	cases["HC2 ids out of order"] = minimalHC2(1, []byte{0, 0, 0, 0, 0, 0, 0, 9}, 0, low)
	cases["HC2 key past 2^64"] = minimalHC2(math.MaxUint64, low, 1, low)
	if _, err := DecodeCompact(minimalCompact(0, 0, 0, 0)); err != nil {
		t.Fatalf("the minimal batch the index cases alter does not decode: %v", err)
	}
	if _, err := DecodeCompact(minimalHC2(1, low, 1, low)); err != nil {
		t.Fatalf("the HC2 batch the ids cases alter does not decode: %v", err)
	}
	for name, data := range cases {
		if got, err := DecodeCompact(data); !errors.Is(err, ErrBadCompact) {
			t.Errorf("%s: decoded %d changes, err %v; want ErrBadCompact", name, len(got), err)
		}
	}
}

// minimalCompact is a batch of one change written by hand: one string
// (""), one site, one row id, and the change's tag, table, row and site as
// given (0 is the only valid index; tag 0 is a NULL without Base).
func minimalCompact(tag, table, row, site byte) []byte {
	b := append([]byte(HC1.magic()), 1, 0, 1)
	b = append(b, make([]byte, 16)...)
	b = append(b, 1)
	b = append(b, make([]byte, 16)...)
	// count; tag, table, column, scope, row, site, seq, hlc, cl
	return append(b, 1, tag, table, 0, 0, row, site, 0, 0, 1)
}

// minimalHC2 is an HC2 batch of one change written by hand, as
// minimalCompact, with two ids coded as the key deltas and last 8 bytes
// given.
func minimalHC2(d1 uint64, low1 []byte, d2 uint64, low2 []byte) []byte {
	b := append([]byte(HC2.magic()), 1, 0, 1)
	b = append(b, make([]byte, 16)...)
	b = append(binary.AppendUvarint(append(b, 2), d1), low1...)
	b = append(binary.AppendUvarint(b, d2), low2...)
	return append(b, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1)
}

// FuzzCompactDecode decodes any bytes as a compact batch of either
// version: no panic, only ErrBadCompact, and a batch that decodes encodes
// canonically in its version (decoding its encoding gives the same
// changes, and the same bytes again).
func FuzzCompactDecode(f *testing.F) {
	for _, v := range []CompactVersion{HC1, HC2} {
		f.Add(AppendCompactVersion(nil, trickyChanges()[:30], v))
		f.Add(AppendCompactVersion(nil, simChanges(1, 20), v))
		f.Add(AppendCompactVersion(nil, v7Changes(20), v))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeCompact(data)
		if err != nil {
			if !errors.Is(err, ErrBadCompact) {
				t.Fatalf("decode: %v, want ErrBadCompact", err)
			}
			return
		}
		v := compactVersionOf(data)
		enc := AppendCompactVersion(nil, got, v)
		again, err := DecodeCompact(enc)
		if err != nil || len(again) != len(got) {
			t.Fatalf("re-encoded batch does not decode: %d of %d changes, %v", len(again), len(got), err)
		}
		for i := range got {
			if !sameFullChange(&again[i], &got[i]) {
				t.Fatalf("change %d: %+v, then %+v", i, got[i], again[i])
			}
		}
		if !bytes.Equal(AppendCompactVersion(nil, again, v), enc) {
			t.Fatal("encoding is not canonical")
		}
	})
}
