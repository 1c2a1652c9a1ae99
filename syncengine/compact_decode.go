package syncengine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// ErrBadCompact is returned for a compact batch or message the decoder
// refuses: malformed, truncated, or holding what JSON would not carry.
var ErrBadCompact = errors.New("bad compact encoding")

// ErrTooManyChanges is returned for a compact push holding more changes
// than its receiver takes in one batch, before they are decoded: a few
// bytes a change, a compact body could otherwise make the decoder
// allocate many times its size.
var ErrTooManyChanges = errors.New("too many changes in one batch")

// compactReader reads a compact batch; the first error sticks and every
// read after it returns zero values.
type compactReader struct {
	b   []byte
	err error
}

func (r *compactReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrBadCompact, fmt.Sprintf(format, args...))
	}
}

func (r *compactReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *compactReader) varint() int64 { return readVarint(r, binary.Varint) }

func readVarint[T uint64 | int64](r *compactReader, read func([]byte) (T, int)) T {
	x, n := read(r.b)
	if n <= 0 {
		r.fail("bad varint")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *compactReader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.fail("truncated")
		r.b = nil
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

// count reads a count of items each at least size bytes long, refusing one
// the rest of the input cannot hold (so that no input makes a huge slice).
func (r *compactReader) count(size uint64) int {
	n := r.uvarint()
	if n > uint64(len(r.b))/size {
		r.fail("count %d too large", n)
		return 0
	}
	return int(n)
}

func (r *compactReader) index(n int) uint64 {
	i := r.uvarint()
	if i >= uint64(n) {
		r.fail("index %d out of %d", i, n)
		return 0
	}
	return i
}

// DecodeCompact decodes what AppendCompact and AppendCompactVersion
// encode, in either version. It refuses, with ErrBadCompact, what the JSON
// decoder refuses (text that is not UTF-8, a float that is not finite) and
// anything malformed; it never panics, and allocates no more than the
// input's size warrants.
func DecodeCompact(b []byte) ([]Change, error) { return decodeCompact(b, 0) }

// decodeCompact is DecodeCompact, refusing with ErrTooManyChanges a batch
// of more than limit changes if limit > 0.
func decodeCompact(b []byte, limit int) ([]Change, error) {
	v := compactVersionOf(b)
	if v == 0 {
		return nil, fmt.Errorf("%w: not a compact batch", ErrBadCompact)
	}
	r := &compactReader{b: b[len(v.magic()):]}
	t := &compactTables{}
	for range r.count(1) {
		t.strs = append(t.strs, string(r.bytes(r.uvarint())))
	}
	for range r.count(16) {
		t.sites = append(t.sites, SiteID(r.bytes(16)))
	}
	t.readIDs(r, v)
	n := r.count(compactFields - 2) // all but base and value take a byte or more
	if limit > 0 && n > limit {
		return nil, fmt.Errorf("%w: %d, at most %d", ErrTooManyChanges, n, limit)
	}
	changes := make([]Change, n)
	forEachField(len(changes), len(t.sites), func(d *compactDeltas, i, f int) {
		if r.err == nil {
			t.readField(r, d, i, &changes[i], f)
		}
	})
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d bytes after the last change", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return changes, nil
}

func (t *compactTables) readField(r *compactReader, d *compactDeltas, i int, c *Change, f int) {
	site := d.sites[i]
	switch f {
	case cfTag:
		if tag := r.bytes(1); len(tag) == 1 {
			d.tags[i] = tag[0]
			if k := tag[0] &^ tagHasBase; k > kindUUIDText {
				r.fail("tag %#x", tag[0])
			}
		}
	case cfTable:
		c.Table = t.readStr(r)
	case cfColumn:
		c.Column = t.readStr(r)
	case cfScope:
		c.Scope = t.readStr(r)
	case cfRow:
		d.row += uint64(r.varint())
		if d.row >= uint64(len(t.ids)) {
			r.fail("row %d out of %d", d.row, len(t.ids))
			return
		}
		c.Row = t.ids[d.row]
	case cfSite:
		d.sites[i] = r.index(len(t.sites))
		if r.err == nil {
			c.Site = t.sites[d.sites[i]]
		}
	case cfSeq:
		c.Seq = d.seq[site] + 1 + uint64(r.varint())
		d.seq[site] = c.Seq
	case cfHLC:
		c.HLC = d.hlc[site] + HLC(r.varint())
		d.hlc[site] = c.HLC
	case cfBase:
		if d.tags[i]&tagHasBase != 0 {
			if c.Base = c.HLC - HLC(r.varint()); c.Base == 0 {
				r.fail("base 0 flagged as present")
			}
		}
	case cfCL:
		c.CL = r.uvarint()
	default:
		c.Value = t.readValue(r, d.tags[i]&^tagHasBase)
	}
}

func (t *compactTables) readStr(r *compactReader) string {
	if i := r.index(len(t.strs)); r.err == nil {
		return t.strs[i]
	}
	return ""
}

func (t *compactTables) readValue(r *compactReader, kind byte) Value {
	switch kind {
	case byte(KindInt):
		return Int(r.varint())
	case byte(KindReal):
		p := r.bytes(8)
		if len(p) != 8 {
			return Value{}
		}
		f := math.Float64frombits(binary.BigEndian.Uint64(p))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			r.fail("float %v is not finite", f)
		}
		return Real(f)
	case byte(KindText):
		s := string(r.bytes(r.uvarint()))
		if !utf8.ValidString(s) {
			r.fail("text is not valid UTF-8")
		}
		return Text(s)
	case byte(KindBlob):
		return Blob(r.bytes(r.uvarint()))
	case kindUUIDText:
		if i := r.index(len(t.ids)); r.err == nil {
			return Text(t.ids[i].String())
		}
	}
	return Null()
}
