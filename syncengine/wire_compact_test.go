package syncengine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A compact binary encoding of a batch of changes, measured against the
// protocol's gzipped JSON (issue 7; BenchmarkWireCodec). It is a candidate
// kept in a test file, not part of the protocol.
//
//	batch   = "HC1" layout strings sites ids count fields
//	strings = count, then each: length, bytes      (tables, columns, scopes)
//	sites   = count, then 16 bytes each
//	ids     = count, then 16 bytes each             (row ids, and the UUIDs text values spell)
//	fields  = the 11 fields, in the order of the cf constants, change after change
//	          (layout 'R') or field after field, all changes each (layout 'C')
//
// Numbers are unsigned varints; "zz" marks a zigzag-coded signed delta.
//
//	tag    kind | 8 if Base != 0; kind 5 is a text that spells a UUID of ids
//	table, column, scope, site   index into strings or sites
//	row    zz(index - previous change's index) into ids
//	seq    zz(Seq - (previous Seq of the same site + 1))
//	hlc    zz(HLC - previous HLC of the same site)
//	base   zz(HLC - Base), only when the tag says Base != 0
//	cl     CL
//	value  int: zz(i); real: 8 bytes, big-endian IEEE 754 bits;
//	       text, blob: length, bytes; uuid text: index into ids

const (
	compactMagic = "HC1"
	// CompactRows lays a batch out change after change.
	CompactRows = 'R'
	// CompactColumns lays a batch out field after field.
	CompactColumns = 'C'

	kindUUIDText = 5 // a text that is the canonical spelling of a UUID in ids
	tagHasBase   = 8
)

// The fields of a change in the order they are written: each one's decoding
// may use the fields before it (the tag gives the value's kind, the site
// the deltas' reference).
const (
	cfTag = iota
	cfTable
	cfColumn
	cfScope
	cfRow
	cfSite
	cfSeq
	cfHLC
	cfBase
	cfCL
	cfValue
	compactFields
)

// compactTables are the tables of a batch: its strings, sites and ids, each
// in order of first use, with the index of each.
type compactTables struct {
	strs    []string
	sites   []SiteID
	ids     []uuid.UUID
	strIdx  map[string]uint64
	siteIdx map[SiteID]uint64
	idIdx   map[uuid.UUID]uint64
}

// compactDeltas is what a field's coding refers to: the fields before it
// of the same change, and the previous change's.
type compactDeltas struct {
	tags  []byte   // by change
	sites []uint64 // the site index of each change
	row   uint64   // the row index of the previous change
	seq   []uint64 // by site index, the last Seq
	hlc   []HLC    // by site index, the last HLC
}

// AppendCompact appends the compact encoding of changes, in layout
// CompactRows or CompactColumns, to b. It does not check the changes; the
// decoder does.
func AppendCompact(b []byte, changes []Change, layout byte) []byte {
	t := newCompactTables(changes)
	b = append(append(b, compactMagic...), layout)
	b = binary.AppendUvarint(b, uint64(len(t.strs)))
	for _, s := range t.strs {
		b = appendVarString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(t.sites)))
	for _, s := range t.sites {
		b = append(b, s[:]...)
	}
	b = binary.AppendUvarint(b, uint64(len(t.ids)))
	for _, id := range t.ids {
		b = append(b, id[:]...)
	}
	b = binary.AppendUvarint(b, uint64(len(changes)))
	forEachField(len(changes), layout, len(t.sites), func(d *compactDeltas, i, f int) {
		b = t.appendField(b, d, i, &changes[i], f)
	})
	return b
}

func newCompactTables(changes []Change) *compactTables {
	t := &compactTables{strIdx: map[string]uint64{}, siteIdx: map[SiteID]uint64{}, idIdx: map[uuid.UUID]uint64{}}
	for i := range changes {
		c := &changes[i]
		t.str(c.Table)
		t.str(c.Column)
		t.str(c.Scope)
		if _, ok := t.siteIdx[c.Site]; !ok {
			t.siteIdx[c.Site] = uint64(len(t.sites))
			t.sites = append(t.sites, c.Site)
		}
		t.id(c.Row)
		if id, ok := spelledUUID(c.Value); ok {
			t.id(id)
		}
	}
	return t
}

func (t *compactTables) str(s string) {
	if _, ok := t.strIdx[s]; !ok {
		t.strIdx[s] = uint64(len(t.strs))
		t.strs = append(t.strs, s)
	}
}

func (t *compactTables) id(id uuid.UUID) {
	if _, ok := t.idIdx[id]; !ok {
		t.idIdx[id] = uint64(len(t.ids))
		t.ids = append(t.ids, id)
	}
}

// spelledUUID reports whether v is a text that a UUID spells exactly as
// uuid.UUID.String does (lower case, with hyphens), so that the UUID's 16
// bytes give the text back byte for byte.
func spelledUUID(v Value) (uuid.UUID, bool) {
	if v.kind != KindText || len(v.s) != 36 {
		return uuid.UUID{}, false
	}
	id, err := uuid.Parse(v.s)
	return id, err == nil && id.String() == v.s
}

// forEachField calls fn for every field of n changes in the layout's order,
// with the delta state that field's coding refers to.
func forEachField(n int, layout byte, sites int, fn func(d *compactDeltas, i, f int)) {
	d := &compactDeltas{tags: make([]byte, n), sites: make([]uint64, n), seq: make([]uint64, sites), hlc: make([]HLC, sites)}
	if layout == CompactColumns {
		for f := range compactFields {
			for i := range n {
				fn(d, i, f)
			}
		}
		return
	}
	for i := range n {
		for f := range compactFields {
			fn(d, i, f)
		}
	}
}

func (t *compactTables) appendField(b []byte, d *compactDeltas, i int, c *Change, f int) []byte {
	site := d.sites[i]
	switch f {
	case cfTag:
		d.tags[i] = compactTag(c)
		return append(b, d.tags[i])
	case cfTable:
		return binary.AppendUvarint(b, t.strIdx[c.Table])
	case cfColumn:
		return binary.AppendUvarint(b, t.strIdx[c.Column])
	case cfScope:
		return binary.AppendUvarint(b, t.strIdx[c.Scope])
	case cfRow:
		row := t.idIdx[c.Row]
		b = binary.AppendVarint(b, int64(row-d.row))
		d.row = row
		return b
	case cfSite:
		d.sites[i] = t.siteIdx[c.Site]
		return binary.AppendUvarint(b, d.sites[i])
	case cfSeq:
		b = binary.AppendVarint(b, int64(c.Seq-d.seq[site]-1))
		d.seq[site] = c.Seq
		return b
	case cfHLC:
		b = binary.AppendVarint(b, int64(c.HLC-d.hlc[site]))
		d.hlc[site] = c.HLC
		return b
	case cfBase:
		if c.Base == 0 {
			return b
		}
		return binary.AppendVarint(b, int64(c.HLC-c.Base))
	case cfCL:
		return binary.AppendUvarint(b, c.CL)
	}
	return t.appendValue(b, d.tags[i], c.Value)
}

func compactTag(c *Change) byte {
	tag := byte(c.Value.kind)
	if _, ok := spelledUUID(c.Value); ok {
		tag = kindUUIDText
	}
	if c.Base != 0 {
		tag |= tagHasBase
	}
	return tag
}

func (t *compactTables) appendValue(b []byte, tag byte, v Value) []byte {
	if tag&^tagHasBase == kindUUIDText {
		id, _ := spelledUUID(v)
		return binary.AppendUvarint(b, t.idIdx[id])
	}
	switch v.kind {
	case KindInt:
		return binary.AppendVarint(b, v.i)
	case KindReal:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v.f))
	case KindText, KindBlob:
		return appendVarString(b, v.s)
	}
	return b
}

func appendVarString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// errCompact is returned for a batch the compact decoder refuses.
var errCompact = errors.New("bad compact batch")

// compactReader reads a compact batch; the first error sticks and every
// read after it returns zero values.
type compactReader struct {
	b   []byte
	err error
}

func (r *compactReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errCompact, fmt.Sprintf(format, args...))
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

// DecodeCompact decodes what AppendCompact encodes, in either layout. It
// refuses what the JSON decoder refuses (text that is not UTF-8, a float
// that is not finite) and anything malformed, never panics, and allocates
// no more than the input's size warrants.
func DecodeCompact(b []byte) ([]Change, error) {
	if len(b) < len(compactMagic)+1 || string(b[:len(compactMagic)]) != compactMagic {
		return nil, fmt.Errorf("%w: not a compact batch", errCompact)
	}
	layout := b[len(compactMagic)]
	if layout != CompactRows && layout != CompactColumns {
		return nil, fmt.Errorf("%w: layout %q", errCompact, layout)
	}
	r := &compactReader{b: b[len(compactMagic)+1:]}
	t := &compactTables{}
	for range r.count(1) {
		t.strs = append(t.strs, string(r.bytes(r.uvarint())))
	}
	for range r.count(16) {
		t.sites = append(t.sites, SiteID(r.bytes(16)))
	}
	for range r.count(16) {
		t.ids = append(t.ids, uuid.UUID(r.bytes(16)))
	}
	changes := make([]Change, r.count(compactFields-2)) // all but base and value take a byte or more
	forEachField(len(changes), layout, len(t.sites), func(d *compactDeltas, i, f int) {
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
